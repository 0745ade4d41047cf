import Foundation

/// One setting: its name (the environment variable and config-file key), allowed values, and how it
/// lands in `MammonConfig`. The table is the single source for parsing, validation, flags and help.
public struct ConfigKey: Sendable {
    public var name: String
    public var range: String
    public var help: String
    /// The value is a secret (a token in a URL): error messages never repeat it.
    public var secret = false
    /// How the key is given on the command line. Every command that takes settings has these flags,
    /// generated from this table (`ConfigOptions` in the executable): there is no second list.
    public var flag = Flag.derived
    let apply: @Sendable (String, inout MammonConfig) -> Bool

    public enum Flag: Sendable, Hashable {
        /// `--scan-interval-hours` for `SCAN_INTERVAL_HOURS`.
        case derived
        /// A flag of its own name (`--theme` for CONSOLE_THEME).
        case named(String)
        /// Never a flag, and why.
        case none(reason: String)
    }

    /// The flag's long name without its dashes; nil for a key that is never a flag.
    public var flagName: String? {
        switch flag {
        case .derived: name.lowercased().replacingOccurrences(of: "_", with: "-")
        case .named(let name): name
        case .none: nil
        }
    }

    public static let all: [ConfigKey] = [
        int("SCAN_INTERVAL_HOURS", 1...24, "hours between scans") { $0.scanIntervalHours = $1 },
        int("MAX_REBALANCES_PER_DAY", 1...20, "executions per UTC day") { $0.maxRebalancesPerDay = $1 },
        decimal("MAX_GAS_PER_DAY_USD", min: 0, "gas spend per UTC day") { $0.maxGasPerDayUSD = $1 },
        decimal("MAX_GAS_PER_DAY_ETH", min: 0, max: 1000, "gas spend per UTC day in ETH, whatever the ETH price") { $0.maxGasPerDayETH = $1 },
        decimal("MAX_TRANSACTION_VALUE_USD", min: 0, exclusiveMin: true, "largest amount one execution moves") {
            $0.maxTransactionValueUSD = $1
        },
        decimal("MIN_PROFIT_USD", min: 0, "net first-year gain a move must reach") { $0.gates.minProfitUSD = $1 },
        decimal("MIN_APY_IMPROVEMENT", min: 0, max: 100, "percentage points a move must gain") {
            $0.gates.minAPYImprovement = $1
        },
        decimal("MIN_REBALANCE_AMOUNT", min: 0, "smallest amount (USD) worth moving") { $0.gates.minRebalanceAmountUSD = $1 },
        int("MAX_BREAK_EVEN_DAYS", 1...365, "days for the gain to repay the costs") { $0.gates.maxBreakEvenDays = $1 },
        decimal("MAX_COST_PCT", min: 0, max: Decimal(string: "0.1")!, "costs as a fraction of the amount") {
            $0.gates.maxCostPct = $1
        },
        ConfigKey(name: "APPROVAL_MODE", range: "auto, manual, or a USD amount ≥ 0",
                  help: "which moves wait for the operator") { text, c in
            guard let mode = ApprovalMode(text: text) else { return false }
            c.approvalMode = mode
            return true
        },
        int("APPROVAL_EXPIRY_MINUTES", 1...10_080, "how long an approval request stays open") { $0.approvalExpiryMinutes = $1 },
        int("CIRCUIT_BREAKER_CONSECUTIVE_FAILURES", 1...20, "failed cycles in a row that halt the scheduler") {
            $0.breakerConsecutiveFailures = $1
        },
        int("CIRCUIT_BREAKER_MAX_FAILURES_PER_DAY", 1...100, "failed cycles in 24 h that halt the scheduler") {
            $0.breakerMaxFailuresPerDay = $1
        },
        int("RETRY_BACKOFF_SECONDS", 1...3600, "first retry delay after a failed cycle (doubles)") { $0.retryBackoffSeconds = $1 },
        int("RETRY_BACKOFF_MAX_SECONDS", 1...86_400, "longest retry delay") { $0.retryBackoffMaxSeconds = $1 },
        ConfigKey(name: "TARGET_TOKEN", range: "USDC", help: "the stablecoin managed") { text, c in
            guard text.uppercased() == "USDC" else { return false }
            c.targetToken = .usdc
            return true
        },
        ConfigKey(name: "SUPPORTED_PROTOCOLS", range: "comma list of market ids (aave-v3, moonwell, morpho-vault, compound-v3:usdc, erc4626:<name>, …); no AMM",
                  help: "markets the engine may move funds into") { text, c in
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let parsed = names.compactMap(MarketID.init(name:))
            guard !names.isEmpty, parsed.count == names.count, parsed.allSatisfy(\.acceptsSingleAssetDeposits) else { return false }
            c.supportedProtocols = parsed
            return true
        },
        decimal("MAX_FEE_GWEI", min: 0, exclusiveMin: true, "highest max fee per gas a step may pay") { $0.maxFeeGwei = $1 },
        decimal("RECOVERY_MAX_GAS_USD", min: 0, "gas ceiling for redeploying stranded funds") { $0.recoveryMaxGasUSD = $1 },
        int("STUCK_TRANSACTION_SECONDS", 10...3600, "wait before replacing an unmined transaction") { $0.stuckTransactionSeconds = $1 },
        int("MAX_REPLACEMENTS", 0...10, "fee raises for one stuck transaction before giving up") { $0.maxReplacements = $1 },
        decimal("MAX_APY_PCT", min: 0, exclusiveMin: true, "an APY above this is suspect: reported, never a target") { $0.maxAPYPct = $1 },
        decimal("TARGET_LIQUIDITY_MULTIPLE", min: 1, max: 1000, "a target's withdrawable liquidity must cover this many times the amount") {
            $0.targetLiquidityMultiple = $1
        },
        int("APY_WINDOW_HOURS", 0...168, "a target's APY is judged over this many hours of scans (0: the spot rate, no history needed)") {
            $0.guards.apyWindowHours = $1
        },
        decimal("MIN_MARKET_TVL_MULTIPLE", min: 1, max: 1000, "a target's supply after the move must be this many times our position there (1: off)") {
            $0.guards.minMarketTVLMultiple = $1
        },
        decimal("MAX_MARKET_SHARE_PCT", min: 0, max: 100, exclusiveMin: true, "our share of a target's supply after the move, in percent, at most") {
            $0.guards.maxMarketSharePct = $1
        },
        decimal("EXIT_TVL_DROP_PCT", min: 0, max: 100, exclusiveMin: true, "a position leaves a market whose supply fell this many percent within 24 h") {
            $0.guards.exitTVLDropPct = $1
        },
        int("MIN_HOURS_BETWEEN_MOVES", 0...168, "hours a position waits after a move touching its market before it moves again (exits do not wait)") {
            $0.guards.minHoursBetweenMoves = $1
        },
        decimal("ETH_USD_MIN", min: 0, exclusiveMin: true, "lowest believable ETH/USD; below it spending stops") { $0.ethUSDMin = $1 },
        decimal("ETH_USD_MAX", min: 0, exclusiveMin: true, "highest believable ETH/USD; above it spending stops") { $0.ethUSDMax = $1 },
        // Up to 100 000 %: an operator who has checked a price outside the band can let it in for one run.
        decimal("ETH_USD_MAX_CHANGE_PCT_PER_HOUR", min: 0, max: 100_000, exclusiveMin: true,
                "largest ETH/USD move per hour from the last accepted round; beyond it spending stops") { $0.ethUSDMaxChangePctPerHour = $1 },
        int("SEQUENCER_GRACE_SECONDS", 0...86_400, "wait after the L2 sequencer comes back up before trusting prices") {
            $0.sequencerGraceSeconds = $1
        },
        ConfigKey(name: "OBSERVER_SOCKET_GROUP", range: "a group name: letters, digits, '-', '_' and '.'",
                  help: "members of this group may watch the engine read-only through its observer socket") { text, c in
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            guard !text.isEmpty, text.count <= 32, text.allSatisfy(allowed.contains) else { return false }
            c.observerSocketGroup = text
            return true
        },
        int("STOP_BUDGET_SECONDS", 1...3600, "longest a stop waits for the step in flight (keep under the unit's TimeoutStopSec)") {
            $0.stopBudgetSeconds = $1
        },
        ConfigKey(name: "SIMULATION_SEED", range: "an integer 0–2^64−1", help: "seed of the simulated market drift") { text, c in
            guard let v = UInt64(text) else { return false }
            c.simulationSeed = v
            return true
        },
        ConfigKey(name: "CONSOLE_THEME", range: "a theme name: letters, digits, '-' and '_'",
                  help: "console theme: a built-in one or NAME.theme in $XDG_CONFIG_HOME/mammon/themes",
                  flag: .named("theme")) { text, c in
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            guard !text.isEmpty, text.count <= 64, text.allSatisfy(allowed.contains) else { return false }
            c.consoleTheme = text
            return true
        },
        ConfigKey(name: "METRICS_LISTEN", range: "HOST:PORT, an IPv4 address, [IPv6] or localhost, port 1–65535",
                  help: "serve Prometheus metrics at http://HOST:PORT/metrics (off when unset)") { text, c in
            guard let address = ListenAddress(text) else { return false }
            c.metricsListen = address
            return true
        },
        ConfigKey(name: "METRICS_ALLOW_REMOTE", range: "true or false",
                  help: "let METRICS_LISTEN name a non-loopback address") { text, c in
            switch text.lowercased() {
            case "true": c.metricsAllowRemote = true
            case "false": c.metricsAllowRemote = false
            default: return false
            }
            return true
        },
        ConfigKey(name: "HEARTBEAT_URL", range: "an https:// URL without spaces (http:// only to 127.0.0.1, ::1 or localhost)",
                  help: "GET after each successful cycle, a dead-man's switch", secret: true,
                  flag: .none(reason: "a secret: every local user can read a command line (ps, /proc/PID/cmdline)")) { text, c in
            let lower = text.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), text.count <= 2048,
                  !text.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
            // Plain http shows the check's token to anyone on the path, who could then ping it forever.
            if lower.hasPrefix("http://") {
                let authority = lower.dropFirst(7).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                guard LoopbackHost.contains(LoopbackHost.host(ofAuthority: hostPort)) else { return false }
            }
            c.heartbeatURL = text
            return true
        },
        ConfigKey(name: "NOTIFY_URLS_FILE", range: "a path to a file only its owner can read (chmod 600)",
                  help: "notifier URLs (json://, jsons://, slack://, discord://, tgram://), one per line; alerts are off without it") { text, c in
            let path = text.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return false }
            c.notifyURLsFile = path
            return true
        },
        ConfigKey(name: "NOTIFY_MIN_SEVERITY", range: "info, warning or failure", help: "the least severe alert sent to notifiers") { text, c in
            guard let severity = AlertSeverity(text: text) else { return false }
            c.notifyMinSeverity = severity
            return true
        },
        int("DAILY_REPORT_HOUR", 0...23, "UTC hour of the daily report to the notifiers") { $0.dailyReportHour = $1 },
        ConfigKey(name: "TREASURY_SAFE", range: "a Safe's address (0x and 40 hex digits)",
                  help: "fenced treasury: the funds are this Safe's and the key only acts through its Roles module (see README)",
                  flag: .named("safe")) { text, c in
            let hex = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
            guard hex.count == 40, hex.allSatisfy(\.isHexDigit) else { return false }
            c.treasurySafe = "0x" + hex
            return true
        },
        ConfigKey(name: "TREASURY_FROM_BLOCK", range: "a block number ≥ 0",
                  help: "the fence check reads the Roles module's logs from this block (providers that cap eth_getLogs ranges need it)") { text, c in
            guard let v = UInt64(text) else { return false }
            c.treasuryFromBlock = v
            return true
        },
    ]

    public static func named(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    /// Whether `text` is an allowed value, by the same rule a config file or the environment meets.
    public func accepts(_ text: String) -> Bool {
        var scratch = MammonConfig()
        return apply(text, &scratch)
    }

    static func int(_ name: String, _ range: ClosedRange<Int>, _ help: String,
                    _ set: @escaping @Sendable (inout MammonConfig, Int) -> Void) -> ConfigKey {
        ConfigKey(name: name, range: "an integer \(range.lowerBound)–\(range.upperBound)", help: help) { text, c in
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(v) else { return false }
            set(&c, v)
            return true
        }
    }

    static func decimal(_ name: String, min: Decimal, max: Decimal? = nil, exclusiveMin: Bool = false, _ help: String,
                        _ set: @escaping @Sendable (inout MammonConfig, Decimal) -> Void) -> ConfigKey {
        let low = exclusiveMin ? "> \(min.plainString)" : "≥ \(min.plainString)"
        let range = max.map { "a number \(low) and ≤ \($0.plainString)" } ?? "a number \(low)"
        return ConfigKey(name: name, range: range, help: help) { text, c in
            guard let v = Decimal.strict(text), exclusiveMin ? v > min : v >= min, max.map({ v <= $0 }) ?? true
            else { return false }
            set(&c, v)
            return true
        }
    }
}
