import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT/SIGTERM/SIGHUP into callbacks instead of process death, so shutdown is orderly.
// Unchecked: `sources` is set once in init and Dispatch sources are thread-safe; the rest is in a Mutex.
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (sig, source) in zip(signals, sources) {
            source.setEventHandler { [weak self] in
                handler(sig)
                self?.fire()
            }
            source.resume()
        }
    }

    private func fire() {
        let waiters = state.withLock { s in
            s.fired = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Returns once any watched signal has arrived.
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s in
                if s.fired { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    public func cancel() { for s in sources { s.cancel() } }
}
