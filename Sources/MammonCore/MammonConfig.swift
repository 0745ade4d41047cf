import Foundation

/// The engine's settings after layering flags > environment > config file > defaults and validation.
public struct MammonConfig: Sendable, Hashable {
    public var scanIntervalHours: Int = 4
    public var maxRebalancesPerDay: Int = 5
    public var maxGasPerDayUSD: Decimal = 50
    /// The daily gas limit in ETH beside the USD one: it holds whatever the node says ETH costs.
    /// 0.02 ETH is about $50–80 at $2 500–4 000, and hundreds of Base moves.
    public var maxGasPerDayETH: Decimal = Decimal(string: "0.02")!
    public var maxTransactionValueUSD: Decimal = 1000
    public var gates = GateThresholds()
    /// nil: the network's default (auto on simulated and devnet, manual on real networks).
    public var approvalMode: ApprovalMode?
    public var approvalExpiryMinutes: Int = 60
    public var breakerConsecutiveFailures: Int = 3
    public var breakerMaxFailuresPerDay: Int = 10
    public var retryBackoffSeconds: Int = 60
    public var retryBackoffMaxSeconds: Int = 1800
    public var targetToken: Token = .usdc
    public var supportedProtocols: [MarketID] = [.aaveV3, .moonwell, .morphoVault]
    /// nil: the network's default (2 gwei on Base, 100 elsewhere and on the simulated network).
    public var maxFeeGwei: Decimal?
    public var recoveryMaxGasUSD: Decimal = 1
    /// A transaction not mined within this many seconds is replaced with higher fees.
    public var stuckTransactionSeconds: Int = 180
    public var maxReplacements: Int = 3
    public var simulationSeed: UInt64 = 42
    /// The console's theme by name; nil: the default theme (or monochrome under NO_COLOR).
    public var consoleTheme: String?
    /// An APY above this (percent) is reported as suspect and never chased.
    public var maxAPYPct: Decimal = 50
    /// A target must be able to pay out this many times the amount moved into it.
    public var targetLiquidityMultiple: Decimal = 2
    /// APY_WINDOW_HOURS, MIN_MARKET_TVL_MULTIPLE, MAX_MARKET_SHARE_PCT, EXIT_TVL_DROP_PCT,
    /// MIN_HOURS_BETWEEN_MOVES: the careful allocator's rules beside the gates.
    public var guards = MarketGuards()
    /// ETH/USD outside these bounds blocks spending, like a stale feed round.
    public var ethUSDMin: Decimal = 100
    public var ethUSDMax: Decimal = 100_000
    /// A round further than this many percent per hour from the last accepted one blocks spending.
    public var ethUSDMaxChangePctPerHour: Decimal = 10
    /// After the L2 sequencer comes back up, nothing is signed for this long.
    public var sequencerGraceSeconds: Int = 3600
    /// A group whose members may read the observer socket (0660); nil keeps it 0600, owner only.
    public var observerSocketGroup: String?
    /// How long a stop (SIGTERM, a supervisor) may wait for the step in flight before the engine exits
    /// and leaves its journaled transaction to recovery. Keep it under the unit's TimeoutStopSec.
    public var stopBudgetSeconds: Int = 60
    /// Where `/metrics` is served; nil: not served.
    public var metricsListen: ListenAddress?
    /// A non-loopback `metricsListen` is refused unless this is set.
    public var metricsAllowRemote = false
    /// Requested after each successful cycle. A secret (the path is the token): log it redacted.
    public var heartbeatURL: String?
    /// TREASURY_SAFE: the Safe of a fenced treasury (the engine's key is then only its operator).
    public var treasurySafe: String?
    /// TREASURY_FROM_BLOCK: where the fence check starts reading the Roles module's logs.
    public var treasuryFromBlock: UInt64 = 0
    /// NOTIFY_URLS_FILE: Apprise-style notifier URLs, one per line (a secret, mode 0600). nil: no alerts.
    public var notifyURLsFile: String?
    /// NOTIFY_MIN_SEVERITY: the least severe alert sent (a URL's `?severity=` overrides it).
    public var notifyMinSeverity: AlertSeverity = .warning
    /// DAILY_REPORT_HOUR: the UTC hour of the daily report.
    public var dailyReportHour: Int = 8

    public init() {}

    /// Alerts are queued only when notifiers are configured (nothing would ever empty the outbox).
    public var alertsEnabled: Bool { notifyURLsFile != nil }

    public var scanInterval: TimeInterval { TimeInterval(scanIntervalHours) * 3600 }

    public var limits: SafetyLimits {
        SafetyLimits(maxRebalancesPerDay: maxRebalancesPerDay, maxGasPerDayUSD: maxGasPerDayUSD,
                     maxTransactionValueUSD: maxTransactionValueUSD, maxGasPerDayWei: maxGasPerDayWei)
    }

    /// MAX_GAS_PER_DAY_ETH in wei (whole wei, rounded down).
    public var maxGasPerDayWei: UInt128 {
        UInt128(maxGasPerDayETH.shifted(by: 18).rounded(0, .down).plainString) ?? .max
    }

    public var breaker: BreakerPolicy {
        BreakerPolicy(maxConsecutiveFailures: breakerConsecutiveFailures, maxFailuresPer24h: breakerMaxFailuresPerDay,
                      backoffBaseSeconds: retryBackoffSeconds, backoffMaxSeconds: retryBackoffMaxSeconds)
    }
}
