/// What an error or notice is about, for the alert rules. Set where the condition is known (a typed
/// chain error, the executor's own replacement, the runner's start and stop), never read back from
/// the event's text: that text may quote a node, and rewording a message must not change who is woken.
public enum AlertCode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The ETH/USD feed is stale, incomplete, non-positive or out of bounds: spending is blocked.
    case priceFeedUnusable = "price-feed-unusable"
    /// No RPC endpoint answered.
    case rpcUnreachable = "rpc-unreachable"
    case transactionReplaced = "transaction-replaced"
    case transactionCancelled = "transaction-cancelled"
    case engineStarted = "engine-started"
    case engineStopped = "engine-stopped"
    case engineRestartedAfterCrash = "engine-restarted-after-crash"
    /// A fenced treasury's role allows more than its plan (the engine halts).
    case fenceBroaderThanPlan = "fence-broader-than-plan"
    /// A fenced treasury's operator has gas ETH for less than a week at the recent spend.
    case operatorGasLow = "operator-gas-low"

    /// The code an error carries (through the errors that wrap it), if any.
    public static func of(_ error: any Error) -> AlertCode? { (error as? any AlertCoded)?.alertCode }
}

/// An error that knows which alert, if any, it is.
public protocol AlertCoded: Error {
    var alertCode: AlertCode? { get }
}
