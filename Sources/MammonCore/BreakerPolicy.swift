import Foundation

/// Retry backoff and the latching circuit breaker for failed cycles.
public struct BreakerPolicy: Codable, Hashable, Sendable {
    public var maxConsecutiveFailures: Int
    public var maxFailuresPer24h: Int
    public var backoffBaseSeconds: Int
    public var backoffMaxSeconds: Int

    public init(maxConsecutiveFailures: Int = 3, maxFailuresPer24h: Int = 10, backoffBaseSeconds: Int = 60,
                backoffMaxSeconds: Int = 1800) {
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.maxFailuresPer24h = maxFailuresPer24h
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffMaxSeconds = backoffMaxSeconds
    }

    /// Delay before retry number `attempt` (1-based): base × 2^(attempt−1), capped.
    public func backoff(attempt: Int) -> TimeInterval {
        let exponent = min(max(attempt - 1, 0), 30)
        return TimeInterval(min(backoffBaseSeconds << exponent, backoffMaxSeconds))
    }
}

/// The breaker's persisted state. Once tripped it stays tripped, across restarts, until the operator resets it.
public struct BreakerState: Codable, Hashable, Sendable {
    public var consecutiveFailures: Int
    public var failureTimes: [Date]
    public var trippedAt: Date?
    public var tripReason: String?

    public init(consecutiveFailures: Int = 0, failureTimes: [Date] = [], trippedAt: Date? = nil, tripReason: String? = nil) {
        self.consecutiveFailures = consecutiveFailures
        self.failureTimes = failureTimes
        self.trippedAt = trippedAt
        self.tripReason = tripReason
    }

    public var tripped: Bool { trippedAt != nil }

    /// Records a failed cycle; returns true when this failure trips the breaker.
    public mutating func recordFailure(_ error: String, at now: Date, policy: BreakerPolicy) -> Bool {
        consecutiveFailures += 1
        failureTimes = failureTimes.filter { now.timeIntervalSince($0) < 86_400 } + [now]
        guard !tripped else { return false }
        if consecutiveFailures >= policy.maxConsecutiveFailures {
            tripReason = "\(consecutiveFailures) consecutive cycle failures (last: \(error))"
        } else if failureTimes.count >= policy.maxFailuresPer24h {
            tripReason = "\(failureTimes.count) cycle failures in 24h (last: \(error))"
        } else {
            return false
        }
        trippedAt = now
        return true
    }

    public mutating func recordSuccess() { consecutiveFailures = 0 }

    public mutating func reset() { self = BreakerState() }

    enum CodingKeys: String, CodingKey {
        case consecutiveFailures = "consecutive_failures", failureTimes = "failure_times", trippedAt = "tripped_at",
             tripReason = "trip_reason"
    }
}
