/// How the client treats failing endpoints, and endpoints that fall behind the chain.
public struct EndpointPolicy: Sendable, Hashable {
    /// Consecutive endpoint failures (no answer, 5xx, 4xx, garbage) before it is set aside.
    public var failuresBeforeUnhealthy: Int
    /// Seconds an unhealthy endpoint is skipped; after that one request probes it again.
    public var unhealthyCooldown: Double
    /// First wait after a 429/5xx, doubled for each further one in a row (unless Retry-After says).
    public var backoffBase: Double
    /// No wait is longer than this, whatever Retry-After asks.
    public var backoffMax: Double
    /// HTTP round trips one call may make across all endpoints, waits included.
    public var maxAttempts: Int
    /// With two or more endpoints: one whose head block is this many blocks or more behind another
    /// endpoint's is stale, and is set aside until it catches up. 20 blocks is 40 s on Base, 4 min on
    /// Ethereum mainnet; providers behind a load balancer differ by a block or two.
    public var maxHeadLag: UInt64
    /// With two or more endpoints: seconds between head checks, in which every endpoint not refused
    /// or cooling down is asked its chain id and its head (`eth_chainId`, `eth_blockNumber`), so a
    /// backup's head is known and a stale first endpoint is seen. A check runs before the first call
    /// and then before the first call after each interval (an idle client asks nothing), and before
    /// every nonce read whatever the interval. nil: no checks but those before nonce reads (heads are
    /// still learned from the answers calls bring: `eth_blockNumber`, the `latest` block).
    public var headCheckInterval: Double?

    public init(failuresBeforeUnhealthy: Int = 3, unhealthyCooldown: Double = 30, backoffBase: Double = 0.5,
                backoffMax: Double = 30, maxAttempts: Int = 4, maxHeadLag: UInt64 = 20, headCheckInterval: Double? = 15)
    {
        self.failuresBeforeUnhealthy = max(1, failuresBeforeUnhealthy)
        self.unhealthyCooldown = unhealthyCooldown
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.maxAttempts = max(1, maxAttempts)
        self.maxHeadLag = max(1, maxHeadLag)
        self.headCheckInterval = headCheckInterval.map { max(0, $0) }
    }
}

/// Why an endpoint is set aside as stale: its head, and the endpoint that proves it behind.
public struct StaleHead: Sendable, Hashable, CustomStringConvertible {
    /// The head it reported.
    public let head: UInt64
    /// The endpoint ahead of it (full URL: `description` redacts it) and the head that one reported
    /// no later than this one reported its own.
    public let aheadURL: String
    public let aheadHead: UInt64

    public var behind: UInt64 { aheadHead - head }

    public var description: String {
        "stale: its head \(head) is \(behind) blocks behind \(EndpointURL.redacted(aheadURL))'s \(aheadHead); set aside until it catches up"
    }
}

/// What the client knows about one endpoint. A circuit breaker: failures in a row open it for a
/// cooldown; after the cooldown a single failure opens it again, a success closes it. An endpoint
/// that reported another chain is refused for good; one whose head is far behind another's is set
/// aside while it is (`stale`).
public struct EndpointHealth: Sendable, Hashable, CustomStringConvertible {
    /// The full URL (it may hold an API key): print `description`, which redacts it.
    public let url: String
    public internal(set) var consecutiveFailures = 0
    /// Consecutive 429/5xx answers; sets the backoff length.
    public internal(set) var consecutiveThrottles = 0
    public internal(set) var unhealthyUntil: Double?
    public internal(set) var backoffUntil: Double?
    public internal(set) var lastError: RPCError?
    /// HTTP round trips sent to this endpoint.
    public internal(set) var roundTrips = 0
    /// Its `eth_chainId` matched the network's (checked before it serves anything else).
    public internal(set) var chainVerified = false
    /// Why it is set aside for good (it reported another chain); never used again.
    public internal(set) var refusal: RPCError?
    /// The head block it last reported (`eth_blockNumber`, or the `latest` block) and when, on the
    /// client's clock.
    public internal(set) var head: UInt64?
    public internal(set) var headSeenAt: Double?
    /// Set while another endpoint proves its head `maxHeadLag` or more blocks behind: it serves
    /// nothing but head checks until a head of its own is close enough again.
    public internal(set) var stale: StaleHead?

    public init(url: String) { self.url = url }

    /// Whether calls may go to it now: not refused, not cooling down, not stale.
    public func isHealthy(at now: Double) -> Bool { isReachable(at: now) && stale == nil }

    public var description: String {
        var parts = ["\(EndpointURL.redacted(url)): \(roundTrips) round trip(s)"]
        if let refusal { parts.append("refused: \(refusal)") }
        if let head, refusal == nil { parts.append("head \(head)") }
        if let stale, refusal == nil { parts.append(stale.description) }
        if consecutiveFailures > 0 { parts.append("\(consecutiveFailures) failure(s) in a row") }
        if let lastError, refusal == nil { parts.append("last error: \(lastError)") }
        return parts.joined(separator: ", ")
    }

    /// Not refused and not cooling down: a head check may ask it, stale or not.
    func isReachable(at now: Double) -> Bool { refusal == nil && (unhealthyUntil.map { now >= $0 } ?? true) }

    func isReady(at now: Double) -> Bool { isHealthy(at: now) && (backoffUntil.map { now >= $0 } ?? true) }

    mutating func recordSuccess() {
        consecutiveFailures = 0
        consecutiveThrottles = 0
        unhealthyUntil = nil
        backoffUntil = nil
        lastError = nil
    }

    mutating func recordFailure(_ error: RPCError, at now: Double, policy: EndpointPolicy) {
        lastError = error
        if case .httpStatus(_, let status, let retryAfter, _) = error, error.isThrottle {
            consecutiveThrottles += 1
            let doubling = policy.backoffBase * Double(1 << min(consecutiveThrottles - 1, 30))
            backoffUntil = now + min(policy.backoffMax, retryAfter ?? doubling)
            if status == 429 { return }  // busy, not broken: it does not count toward unhealthy
        }
        consecutiveFailures += 1
        if consecutiveFailures >= policy.failuresBeforeUnhealthy {
            unhealthyUntil = now + policy.unhealthyCooldown
        }
    }
}
