/// Who raised an `error` or `notice` event (its `source` field): the one vocabulary the engine
/// writes and the alert rules, the console and the metrics match on.
public enum EventSource: String, CaseIterable, Sendable, Hashable {
    case scan, scheduler, executor, recovery, approval, market, console, service, store, shutdown
    /// A fenced treasury: its operator's gas, its role against the plan.
    case treasury
    /// The daily report and the engine's own start, stop and crash notices.
    case report, lifecycle
    /// `mammon-bench` and tests.
    case bench, test
}

extension EngineEvent.Kind {
    public static func error(_ source: EventSource, _ message: String, code: AlertCode? = nil) -> Self {
        .error(source: source.rawValue, message: message, code: code)
    }
    public static func notice(_ source: EventSource, _ message: String, code: AlertCode? = nil) -> Self {
        .notice(source: source.rawValue, message: message, code: code)
    }
}
