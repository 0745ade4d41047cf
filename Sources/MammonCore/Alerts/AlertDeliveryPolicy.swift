import Foundation

/// How the sender paces one notifier: identical alerts grouped within a window, a rate limit, and
/// exponential backoff after failures (a server's Retry-After wins).
public struct AlertDeliveryPolicy: Sendable, Hashable {
    /// Alerts with the same group key within this long after one was sent wait and go out as one.
    public var groupWindow: TimeInterval = 600
    /// At most `rateLimit` messages per `rateWindow` to one notifier.
    public var rateLimit: Int = 10
    public var rateWindow: TimeInterval = 600
    public var backoffBase: TimeInterval = 2
    public var backoffMax: TimeInterval = 900
    /// A Retry-After longer than this is capped (a broken server must not silence alerts for days).
    public var retryAfterMax: TimeInterval = 3600

    public init() {}

    /// The wait before the next attempt after `attempts` failed ones.
    public func retryDelay(attempts: Int, retryAfter: Double?) -> TimeInterval {
        if let retryAfter, retryAfter > 0 { return min(retryAfter, retryAfterMax) }
        let exponent = Double(max(0, min(attempts - 1, 30)))
        return min(backoffBase * pow(2, exponent), backoffMax)
    }

    /// The message of `count` alerts of one group sent together: the newest alert's text and how
    /// many there were over how long ("(×5 in 10 min)").
    public static func groupedMessage(_ message: String, count: Int, from first: Date, to now: Date) -> String {
        guard count > 1 else { return message }
        let minutes = max(1, Int((now.timeIntervalSince(first) / 60).rounded(.up)))
        return "\(message) (×\(count) in \(minutes) min)"
    }
}
