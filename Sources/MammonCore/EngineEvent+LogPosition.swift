extension EngineEvent {
    /// Where the event sits in the event log; nil for one never stored (published although its write
    /// failed), which no read of the log returns.
    public var logPosition: Int64? { sequence > 0 ? sequence : nil }
}
