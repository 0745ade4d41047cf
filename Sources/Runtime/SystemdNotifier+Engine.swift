import Engine
import Foundation
import MammonCore

/// What systemd hears from a running engine.
extension SystemdNotifier {
    /// Wires `engine` to systemd; call it before the engine starts. Every status change becomes a
    /// STATUS line. With the watchdog on, WATCHDOG=1 comes from the scheduler's heartbeat (its wait
    /// between scans, never from a cycle) and, while the scheduler does not run, from the engine's
    /// idle check: a stopped or halted engine is alive, one whose cycle hangs is not. The returned
    /// task ends once the engine has shut down (its events end), after the last STATUS line.
    public func supervise(_ engine: Engine) async -> Task<Void, Never> {
        guard isEnabled else { return Task {} }
        let events = engine.subscribe()
        let statusLines = Task {
            var last = ""
            for await event in events {
                guard case .status(let status) = event.kind else { continue }
                let line = Self.statusLine(status)
                if line != last { self.status(line) }
                last = line
            }
        }
        guard let interval = heartbeatInterval else { return statusLines }
        await engine.setHeartbeat(every: interval) { [self] in watchdog() }
        let idle = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                await engine.beatIfIdle()
            }
        }
        return Task {
            await statusLines.value
            idle.cancel()
        }
    }

    /// "running · 3 scans · last scan 2027-01-15 10:00:00 UTC · next scan 2027-01-15 14:00:00 UTC"
    public static func statusLine(_ s: SchedulerStatus) -> String {
        func time(_ date: Date?) -> String { date.map { String($0.sqliteText.prefix(19)) + " UTC" } ?? "none" }
        var state = s.state.rawValue
        if s.state == .halted, let reason = s.haltReason { state += " (\(reason))" }
        var parts = [state, "\(s.scans) scan\(s.scans == 1 ? "" : "s")", "last scan \(s.lastScanAt == nil ? "never" : time(s.lastScanAt))"]
        if s.state == .running { parts.append("next scan \(time(s.nextScanAt))") }
        if s.consecutiveFailures > 0 { parts.append("\(s.consecutiveFailures) failed cycle(s) in a row") }
        return parts.joined(separator: " · ")
    }
}
