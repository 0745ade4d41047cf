import Foundation

/// What the market guards measured for one move, shown as gates beside the profitability gates.
/// Absent (the calculator's what-ifs), none of these gates is listed and the original six decide.
public struct GuardChecks: Codable, Hashable, Sendable {
    public var targetRate: RateCheck
    public var size: SizeCheck
    /// nil for idle funds: they are no position, so nothing holds them back.
    public var patience: PatienceCheck?
    /// Set when the move is an exit: gated on safety, the profit gates are shown but waived.
    public var exit: ExitReason?

    public init(targetRate: RateCheck, size: SizeCheck, patience: PatienceCheck?, exit: ExitReason? = nil) {
        self.targetRate = targetRate
        self.size = size
        self.patience = patience
        self.exit = exit
    }

    enum CodingKeys: String, CodingKey { case targetRate = "target_rate", size, patience, exit }

    /// The gates that decide an exit's way: the profit gates are waived, the rest still bind (the
    /// cost cap and the minimum amount among them; daily limits are checked after the gates).
    public static let waivedForExit: Set<String> = ["apy_improvement", "min_profit", "break_even", "min_apy_improvement", "patience"]

    /// The guards' gates, in the order they are shown.
    public var gates: [GateVerdict] {
        var out: [GateVerdict] = []
        if let exit { out.append(GateVerdict(name: "exit", passed: true, reason: "Exit for safety, not profit: \(exit); profit gates waived")) }
        out.append(GateVerdict(name: "apy_window", passed: targetRate.hasEnoughHistory, reason: targetRate.reason))
        let supply = size.supplyAfter.map { Self.tokens($0) }
        out.append(GateVerdict(name: "market_tvl", passed: size.tvlPassed, reason: supply.map {
            "Market supply \($0) after the move \(size.tvlPassed ? "≥" : "<") \(size.minMultiple.plainString) × our \(Self.tokens(size.positionAfter))"
        } ?? "Market supply unknown (not read or not given): not checked"))
        out.append(GateVerdict(name: "market_share", passed: size.sharePassed, reason: size.sharePct.map {
            "Our share after the move \($0.fixed(2))% \(size.sharePassed ? "≤" : ">") maximum \(size.maxSharePct.fixed(2))%"
        } ?? "Market supply unknown (not read or not given): not checked"))
        if let patience { out.append(GateVerdict(name: "patience", passed: patience.passed, reason: patience.reason)) }
        return out.map { exit != nil && Self.waivedForExit.contains($0.name) ? $0.waiving() : $0 }
    }

    static func tokens(_ a: TokenAmount) -> String { a.decimalValue.fixed(2) }
}

/// The target's rate as judged: its spot, its window average and how much history backs it, and
/// what it would pay after our deposit.
public struct RateCheck: Codable, Hashable, Sendable {
    public var spotAPY: Decimal
    public var windowAPY: Decimal?
    public var windowHours: Int
    public var coveredHours: Decimal
    public var neededHours: Decimal
    /// Readings over at least half the window (always true for window 0).
    public var hasEnoughHistory: Bool
    /// The APY the move is judged on: the lower of spot and window, after our deposit.
    public var judgedAPY: Decimal

    public init(spotAPY: Decimal, windowAPY: Decimal?, windowHours: Int, coveredHours: Decimal, neededHours: Decimal,
                hasEnoughHistory: Bool, judgedAPY: Decimal) {
        self.spotAPY = spotAPY
        self.windowAPY = windowAPY
        self.windowHours = windowHours
        self.coveredHours = coveredHours
        self.neededHours = neededHours
        self.hasEnoughHistory = hasEnoughHistory
        self.judgedAPY = judgedAPY
    }

    public init(_ condition: MarketCondition, judgedAPY: Decimal) {
        self.init(spotAPY: condition.spotAPY, windowAPY: condition.windowAPY, windowHours: condition.windowHours,
                  coveredHours: (Decimal(condition.coveredSeconds) / 3600).rounded(1, .down),
                  neededHours: Decimal(condition.neededSeconds) / 3600, hasEnoughHistory: condition.hasEnoughHistory, judgedAPY: judgedAPY)
    }

    enum CodingKeys: String, CodingKey {
        case spotAPY = "spot_apy", windowAPY = "window_apy", windowHours = "window_hours", coveredHours = "covered_hours",
             neededHours = "needed_hours", hasEnoughHistory = "enough_history", judgedAPY = "judged_apy"
    }

    var reason: String {
        let judged = "judged at \(judgedAPY.fixed(4))% after our deposit"
        guard windowHours > 0 else { return "Spot \(spotAPY.fixed(2))% \(judged) (APY_WINDOW_HOURS 0: no window)" }
        guard let windowAPY else {
            return "No rate history in the \(windowHours) h window (\(neededHours.plainString) h needed): not a target yet; spot \(spotAPY.fixed(2))%"
        }
        let history = "\(coveredHours.plainString) h of history \(hasEnoughHistory ? "≥" : "<") \(neededHours.plainString) h needed"
        guard hasEnoughHistory else {
            return "\(history): not a target yet; \(windowHours) h average \(windowAPY.fixed(2))%, spot \(spotAPY.fixed(2))%"
        }
        return "\(windowHours) h average \(windowAPY.fixed(2))%, spot \(spotAPY.fixed(2))%, \(judged); \(history)"
    }
}

/// Time since the last executed move touching the source market.
public struct PatienceCheck: Codable, Hashable, Sendable {
    public var marketID: MarketID
    /// When a mined deposit or withdrawal last touched the market; nil: never.
    public var lastMoveAt: Date?
    public var now: Date
    public var minimumHours: Int

    public init(marketID: MarketID, lastMoveAt: Date?, now: Date, minimumHours: Int) {
        self.marketID = marketID
        self.lastMoveAt = lastMoveAt
        self.now = now
        self.minimumHours = minimumHours
    }

    public var passed: Bool {
        guard let lastMoveAt else { return true }
        return now.timeIntervalSince(lastMoveAt) >= TimeInterval(minimumHours) * 3600
    }

    var reason: String {
        guard let lastMoveAt else { return "\(marketID.displayName) not moved before (minimum \(minimumHours) h between moves)" }
        let hours = (Decimal(Int(now.timeIntervalSince(lastMoveAt).rounded(.down))) / 3600).rounded(1, .down)
        return "\(marketID.displayName) last moved \(hours.plainString) h ago \(passed ? "≥" : "<") minimum \(minimumHours) h"
    }

    enum CodingKeys: String, CodingKey { case marketID = "market", lastMoveAt = "last_move_at", now, minimumHours = "minimum_hours" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let d = Date(iso8601: text) else { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "bad time \(text)") }
            return d
        }
        guard let now = try date(.now) else { throw DecodingError.keyNotFound(CodingKeys.now, .init(codingPath: c.codingPath, debugDescription: "now")) }
        self.init(marketID: try c.decode(MarketID.self, forKey: .marketID), lastMoveAt: try date(.lastMoveAt), now: now,
                  minimumHours: try c.decode(Int.self, forKey: .minimumHours))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(marketID, forKey: .marketID)
        try c.encodeIfPresent(lastMoveAt?.iso8601, forKey: .lastMoveAt)
        try c.encode(now.iso8601, forKey: .now)
        try c.encode(minimumHours, forKey: .minimumHours)
    }
}
