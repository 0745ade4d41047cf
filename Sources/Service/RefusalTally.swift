import NIOCore
import Synchronization

/// Refused observer commands, counted rather than recorded one by one (each record is a synced
/// database row: a read-only client must not be able to fill the disk). The first refusal of a quiet
/// spell schedules one report `interval` later with everything refused until then: at most one
/// report per interval, whatever the observers send.
final class RefusalTally: Sendable {
    let interval: TimeAmount
    private let report: @Sendable (Int) -> Void
    private let state = Mutex((count: 0, scheduled: false))

    init(interval: TimeAmount = .seconds(60), report: @escaping @Sendable (Int) -> Void) {
        self.interval = interval
        self.report = report
    }

    /// Counts one refusal; `loop` times the report.
    func refused(on loop: any EventLoop) {
        let schedule = state.withLock { s in
            s.count += 1
            defer { s.scheduled = true }
            return !s.scheduled
        }
        guard schedule else { return }
        loop.scheduleTask(in: interval) { self.flush() }
    }

    private func flush() {
        let count = state.withLock { s in
            defer { s = (0, false) }
            return s.count
        }
        if count > 0 { report(count) }
    }
}
