import MammonCore

/// Where the history a console read ends and the live stream takes over: one rule for every link.
/// A live event is shown when the history cannot hold it: newer than the history's newest stored
/// event, never stored at all (published although its write failed, so no history has it), or a
/// status snapshot (state, not news: always the current one).
public struct LiveSeam: Sendable, Equatable {
    /// The newest stored event the history covers.
    public private(set) var through: Int64

    public init(through: Int64) { self.through = through }

    public func admits(_ event: EngineEvent) -> Bool {
        if event.type == EngineEvent.Kind.statusType { return true }
        guard let position = event.logPosition else { return true }
        return position > through
    }

    /// After a live event was shown: a history read later (a reconnect) starts after it.
    public mutating func passed(_ event: EngineEvent) {
        if let position = event.logPosition, position > through { through = position }
    }
}
