import ArgumentParser
import Foundation
import MammonCore
import Runtime

/// The engine settings as flags, one per config key, plus `--config FILE`. Flags win over the
/// environment, which wins over the file, which wins over defaults.
struct ConfigOptions: ParsableArguments {
    @Option(help: "Config file (KEY = VALUE lines). Default: $XDG_CONFIG_HOME/mammon/mammon.conf if it exists.")
    var config: String?

    @Option(name: .customLong("scan-interval-hours"), help: "SCAN_INTERVAL_HOURS (see README).")
    var scanIntervalHours: String?

    @Option(name: .customLong("max-rebalances-per-day"), help: "MAX_REBALANCES_PER_DAY (see README).")
    var maxRebalancesPerDay: String?

    @Option(name: .customLong("max-gas-per-day-usd"), help: "MAX_GAS_PER_DAY_USD (see README).")
    var maxGasPerDayUsd: String?

    @Option(name: .customLong("max-gas-per-day-eth"), help: "MAX_GAS_PER_DAY_ETH (see README).")
    var maxGasPerDayEth: String?

    @Option(name: .customLong("max-transaction-value-usd"), help: "MAX_TRANSACTION_VALUE_USD (see README).")
    var maxTransactionValueUsd: String?

    @Option(name: .customLong("min-profit-usd"), help: "MIN_PROFIT_USD (see README).")
    var minProfitUsd: String?

    @Option(name: .customLong("min-apy-improvement"), help: "MIN_APY_IMPROVEMENT (see README).")
    var minApyImprovement: String?

    @Option(name: .customLong("min-rebalance-amount"), help: "MIN_REBALANCE_AMOUNT (see README).")
    var minRebalanceAmount: String?

    @Option(name: .customLong("max-break-even-days"), help: "MAX_BREAK_EVEN_DAYS (see README).")
    var maxBreakEvenDays: String?

    @Option(name: .customLong("max-cost-pct"), help: "MAX_COST_PCT (see README).")
    var maxCostPct: String?

    @Option(name: .customLong("approval-mode"), help: "APPROVAL_MODE (see README).")
    var approvalMode: String?

    @Option(name: .customLong("approval-expiry-minutes"), help: "APPROVAL_EXPIRY_MINUTES (see README).")
    var approvalExpiryMinutes: String?

    @Option(name: .customLong("circuit-breaker-consecutive-failures"), help: "CIRCUIT_BREAKER_CONSECUTIVE_FAILURES (see README).")
    var circuitBreakerConsecutiveFailures: String?

    @Option(name: .customLong("circuit-breaker-max-failures-per-day"), help: "CIRCUIT_BREAKER_MAX_FAILURES_PER_DAY (see README).")
    var circuitBreakerMaxFailuresPerDay: String?

    @Option(name: .customLong("retry-backoff-seconds"), help: "RETRY_BACKOFF_SECONDS (see README).")
    var retryBackoffSeconds: String?

    @Option(name: .customLong("retry-backoff-max-seconds"), help: "RETRY_BACKOFF_MAX_SECONDS (see README).")
    var retryBackoffMaxSeconds: String?

    @Option(name: .customLong("target-token"), help: "TARGET_TOKEN (see README).")
    var targetToken: String?

    @Option(name: .customLong("supported-protocols"), help: "SUPPORTED_PROTOCOLS (see README).")
    var supportedProtocols: String?

    @Option(name: .customLong("max-fee-gwei"), help: "MAX_FEE_GWEI (see README).")
    var maxFeeGwei: String?

    @Option(name: .customLong("recovery-max-gas-usd"), help: "RECOVERY_MAX_GAS_USD (see README).")
    var recoveryMaxGasUsd: String?

    @Option(name: .customLong("simulation-seed"), help: "SIMULATION_SEED (see README).")
    var simulationSeed: String?

    @Option(name: .customLong("stuck-transaction-seconds"), help: "STUCK_TRANSACTION_SECONDS (see README).")
    var stuckTransactionSeconds: String?

    @Option(name: .customLong("max-replacements"), help: "MAX_REPLACEMENTS (see README).")
    var maxReplacements: String?

    @Option(name: .customLong("apy-window-hours"), help: "APY_WINDOW_HOURS (see README).")
    var apyWindowHours: String?

    @Option(name: .customLong("min-market-tvl-multiple"), help: "MIN_MARKET_TVL_MULTIPLE (see README).")
    var minMarketTvlMultiple: String?

    @Option(name: .customLong("max-market-share-pct"), help: "MAX_MARKET_SHARE_PCT (see README).")
    var maxMarketSharePct: String?

    @Option(name: .customLong("exit-tvl-drop-pct"), help: "EXIT_TVL_DROP_PCT (see README).")
    var exitTvlDropPct: String?

    @Option(name: .customLong("min-hours-between-moves"), help: "MIN_HOURS_BETWEEN_MOVES (see README).")
    var minHoursBetweenMoves: String?

    var flagSettings: [ConfigLoader.Setting] {
        let values: [(String, String?)] = [
            ("SCAN_INTERVAL_HOURS", scanIntervalHours),
            ("MAX_REBALANCES_PER_DAY", maxRebalancesPerDay),
            ("MAX_GAS_PER_DAY_USD", maxGasPerDayUsd),
            ("MAX_GAS_PER_DAY_ETH", maxGasPerDayEth),
            ("MAX_TRANSACTION_VALUE_USD", maxTransactionValueUsd),
            ("MIN_PROFIT_USD", minProfitUsd),
            ("MIN_APY_IMPROVEMENT", minApyImprovement),
            ("MIN_REBALANCE_AMOUNT", minRebalanceAmount),
            ("MAX_BREAK_EVEN_DAYS", maxBreakEvenDays),
            ("MAX_COST_PCT", maxCostPct),
            ("APPROVAL_MODE", approvalMode),
            ("APPROVAL_EXPIRY_MINUTES", approvalExpiryMinutes),
            ("CIRCUIT_BREAKER_CONSECUTIVE_FAILURES", circuitBreakerConsecutiveFailures),
            ("CIRCUIT_BREAKER_MAX_FAILURES_PER_DAY", circuitBreakerMaxFailuresPerDay),
            ("RETRY_BACKOFF_SECONDS", retryBackoffSeconds),
            ("RETRY_BACKOFF_MAX_SECONDS", retryBackoffMaxSeconds),
            ("TARGET_TOKEN", targetToken),
            ("SUPPORTED_PROTOCOLS", supportedProtocols),
            ("MAX_FEE_GWEI", maxFeeGwei),
            ("RECOVERY_MAX_GAS_USD", recoveryMaxGasUsd),
            ("SIMULATION_SEED", simulationSeed),
            ("STUCK_TRANSACTION_SECONDS", stuckTransactionSeconds),
            ("MAX_REPLACEMENTS", maxReplacements),
            ("APY_WINDOW_HOURS", apyWindowHours),
            ("MIN_MARKET_TVL_MULTIPLE", minMarketTvlMultiple),
            ("MAX_MARKET_SHARE_PCT", maxMarketSharePct),
            ("EXIT_TVL_DROP_PCT", exitTvlDropPct),
            ("MIN_HOURS_BETWEEN_MOVES", minHoursBetweenMoves),
        ]
        return values.compactMap { key, value in
            value.map { ConfigLoader.Setting(key: key, value: $0, source: .flag(key.lowercased().replacingOccurrences(of: "_", with: "-"))) }
        }
    }

    /// Loads and validates every layer. Throws `ConfigError` (exit 78) before anything is written.
    /// `extraFlags`: settings other option groups take as flags (`--theme`), validated by the same rules.
    func load(extraFlags: [ConfigLoader.Setting] = []) throws(ConfigError) -> MammonConfig {
        var file: (path: String, contents: String)?
        let path = config ?? Paths.defaultConfigFile
        if FileManager.default.fileExists(atPath: path) {
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError("config: cannot read \(path) as UTF-8 text")
            }
            file = (path, contents)
        } else if config != nil {
            throw ConfigError("config: file \(path) (from --config) does not exist")
        }
        return try ConfigLoader.load(flags: flagSettings + extraFlags, environment: ProcessInfo.processInfo.environment, file: file)
    }
}
