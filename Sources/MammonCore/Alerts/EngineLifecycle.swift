import Foundation

/// The program's own start and stop, recorded as notices (source `lifecycle`) by the runner that
/// owns the engine, so they reach the event log and the alert outbox like everything else.
public enum EngineLifecycle {
    public static let source = EventSource.lifecycle

    public static func started(network: String) -> String { "engine started on \(network)" }
    public static func stopped(reason: String) -> String { "engine stopped: \(reason)" }

    /// "Restarted after a crash": the previous process left the scheduler marked running (a clean
    /// stop always records it stopped) or left executions unfinished.
    public static func restartedAfterCrash(previousWasRunning: Bool, unfinishedExecutions: Int) -> String {
        var why: [String] = []
        if previousWasRunning { why.append("the previous run did not stop cleanly") }
        if unfinishedExecutions > 0 { why.append("\(unfinishedExecutions) execution(s) were interrupted and are being reconciled") }
        return "engine restarted after a crash: " + why.joined(separator: "; ")
    }

    static func alert(for code: AlertCode, message: String) -> Alert? {
        switch code {
        case .engineRestartedAfterCrash:
            Alert(severity: .info, title: "Engine restarted after a crash", message: message, groupKey: "engine.crashed")
        case .engineStarted:
            Alert(severity: .info, title: "Engine started", message: message, groupKey: "engine.started")
        case .engineStopped:
            Alert(severity: .info, title: "Engine stopped", message: message, groupKey: "engine.stopped")
        default:
            nil
        }
    }
}
