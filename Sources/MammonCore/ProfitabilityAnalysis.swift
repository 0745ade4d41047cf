import Foundation

/// Every cost of a move in USD, by source.
public struct CostBreakdown: Codable, Hashable, Sendable {
    public var withdrawGasUSD: Decimal
    public var approveGasUSD: Decimal
    public var swapGasUSD: Decimal
    public var depositGasUSD: Decimal
    public var slippageUSD: Decimal
    public var protocolFeesUSD: Decimal

    public var totalUSD: Decimal {
        withdrawGasUSD + approveGasUSD + swapGasUSD + depositGasUSD + slippageUSD + protocolFeesUSD
    }

    public var gasUSD: Decimal { withdrawGasUSD + approveGasUSD + swapGasUSD + depositGasUSD }

    enum CodingKeys: String, CodingKey {
        case withdrawGasUSD = "withdraw_gas_usd", approveGasUSD = "approve_gas_usd", swapGasUSD = "swap_gas_usd",
             depositGasUSD = "deposit_gas_usd", slippageUSD = "slippage_usd", protocolFeesUSD = "protocol_fees_usd",
             totalUSD = "total_usd"
    }

    public init(withdrawGasUSD: Decimal, approveGasUSD: Decimal, swapGasUSD: Decimal, depositGasUSD: Decimal,
                slippageUSD: Decimal, protocolFeesUSD: Decimal) {
        self.withdrawGasUSD = withdrawGasUSD
        self.approveGasUSD = approveGasUSD
        self.swapGasUSD = swapGasUSD
        self.depositGasUSD = depositGasUSD
        self.slippageUSD = slippageUSD
        self.protocolFeesUSD = protocolFeesUSD
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(withdrawGasUSD: try c.decode(Decimal.self, forKey: .withdrawGasUSD),
                  approveGasUSD: try c.decode(Decimal.self, forKey: .approveGasUSD),
                  swapGasUSD: try c.decode(Decimal.self, forKey: .swapGasUSD),
                  depositGasUSD: try c.decode(Decimal.self, forKey: .depositGasUSD),
                  slippageUSD: try c.decode(Decimal.self, forKey: .slippageUSD),
                  protocolFeesUSD: try c.decode(Decimal.self, forKey: .protocolFeesUSD))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(withdrawGasUSD, forKey: .withdrawGasUSD)
        try c.encode(approveGasUSD, forKey: .approveGasUSD)
        try c.encode(swapGasUSD, forKey: .swapGasUSD)
        try c.encode(depositGasUSD, forKey: .depositGasUSD)
        try c.encode(slippageUSD, forKey: .slippageUSD)
        try c.encode(protocolFeesUSD, forKey: .protocolFeesUSD)
        try c.encode(totalUSD, forKey: .totalUSD)
    }
}

/// One gate's verdict with the sentence an operator reads, whether it passed or not. The sentence is
/// rendered from the measured values when read, so deciding never pays for formatting.
public struct GateVerdict: Codable, Hashable, Sendable {
    public var name: String
    public var passed: Bool
    /// Shown but not binding: an exit's profit gates (it moves for safety, not profit).
    public var waived = false
    private var explanation: Explanation

    /// What a gate measured against its limit.
    public enum Measure: Hashable, Sendable {
        case apyImprovement(improvement: Decimal, current: Decimal, target: Decimal)
        case minProfit(net: Decimal, minimum: Decimal)
        case breakEven(days: Int, maximum: Int)
        case maxCost(share: Decimal, maximum: Decimal)
        case minAPYImprovement(improvement: Decimal, minimum: Decimal)
        case minAmount(amount: Decimal, minimum: Decimal)
    }

    private enum Explanation: Hashable, Sendable {
        case text(String)
        case measure(Measure)
    }

    public init(name: String, passed: Bool, reason: String) {
        self.name = name
        self.passed = passed
        self.explanation = .text(reason)
    }

    public init(name: String, passed: Bool, measure: Measure) {
        self.name = name
        self.passed = passed
        self.explanation = .measure(measure)
    }

    /// The same verdict, shown but not binding.
    public func waiving() -> GateVerdict {
        var v = self
        v.waived = true
        return v
    }

    /// Passed, or waived: the gate does not stop the move.
    public var allows: Bool { passed || waived }

    public var reason: String {
        switch explanation {
        case .text(let t): return t
        case .measure(let m): return Self.render(m, passed: passed)
        }
    }

    static func render(_ m: Measure, passed: Bool) -> String {
        switch m {
        case .apyImprovement(let improvement, let current, let target):
            return passed ? "APY improves by \(improvement.fixed(2)) pp (\(current.fixed(2))% → \(target.fixed(2))%)"
                : "No APY improvement (current: \(current.fixed(2))%, target: \(target.fixed(2))%)"
        case .minProfit(let net, let minimum):
            return "Net gain $\(net.fixed(2))/year \(passed ? "≥" : "<") minimum $\(minimum.fixed(2))"
        case .breakEven(let days, let maximum):
            return "Break-even \(days) days \(passed ? "≤" : ">") maximum \(maximum) days"
        case .maxCost(let share, let maximum):
            return "Costs \((share * 100).fixed(2))% of position \(passed ? "≤" : ">") maximum \((maximum * 100).fixed(2))%"
        case .minAPYImprovement(let improvement, let minimum):
            return "Improvement \(improvement.fixed(2)) pp \(passed ? "≥" : "<") minimum \(minimum.fixed(2)) pp"
        case .minAmount(let amount, let minimum):
            return "Amount $\(amount.fixed(2)) \(passed ? "≥" : "<") minimum $\(minimum.fixed(2))"
        }
    }

    enum CodingKeys: String, CodingKey { case name, passed, reason, waived }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), passed: try c.decode(Bool.self, forKey: .passed),
                  reason: try c.decode(String.self, forKey: .reason))
        waived = try c.decodeIfPresent(Bool.self, forKey: .waived) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(passed, forKey: .passed)
        try c.encode(reason, forKey: .reason)
        if waived { try c.encode(true, forKey: .waived) }
    }

    /// Verdicts are equal when they say the same thing, however the sentence is held.
    public static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.passed == b.passed && a.waived == b.waived && a.reason == b.reason }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(passed); h.combine(waived); h.combine(reason) }
}

/// The full profitability picture of one move: gain, costs, and every gate evaluated.
public struct ProfitabilityAnalysis: Codable, Hashable, Sendable {
    public var currentAPY: Decimal
    public var targetAPY: Decimal
    public var amountUSD: Decimal
    public var apyImprovement: Decimal
    public var annualGainUSD: Decimal
    public var costs: CostBreakdown
    public var netGainUSD: Decimal
    /// Days of extra yield to pay back the costs; 999999 when there is no gain.
    public var breakEvenDays: Int
    /// Net gain over costs in percent; 999999 when there are no costs.
    public var roiPct: Decimal
    public var gates: [GateVerdict]
    /// What the market guards measured (nil for the calculator's what-ifs, which list no guard gates).
    public var guards: GuardChecks?

    /// Every binding gate passed: the move may go on to the limits. (An exit's waived profit gates
    /// do not count: it moves for safety.)
    public var profitable: Bool { gates.allSatisfy(\.allows) }
    public var failedGates: [GateVerdict] { gates.filter { !$0.allows } }
    public var isExit: Bool { guards?.exit != nil }

    enum CodingKeys: String, CodingKey {
        case currentAPY = "current_apy", targetAPY = "target_apy", amountUSD = "amount_usd",
             apyImprovement = "apy_improvement", annualGainUSD = "annual_gain_usd", costs,
             netGainUSD = "net_gain_usd", breakEvenDays = "break_even_days", roiPct = "roi_pct", gates, profitable, guards
    }

    public init(currentAPY: Decimal, targetAPY: Decimal, amountUSD: Decimal, apyImprovement: Decimal,
                annualGainUSD: Decimal, costs: CostBreakdown, netGainUSD: Decimal, breakEvenDays: Int,
                roiPct: Decimal, gates: [GateVerdict], guards: GuardChecks? = nil) {
        self.currentAPY = currentAPY
        self.targetAPY = targetAPY
        self.amountUSD = amountUSD
        self.apyImprovement = apyImprovement
        self.annualGainUSD = annualGainUSD
        self.costs = costs
        self.netGainUSD = netGainUSD
        self.breakEvenDays = breakEvenDays
        self.roiPct = roiPct
        self.gates = gates
        self.guards = guards
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(currentAPY: try c.decode(Decimal.self, forKey: .currentAPY),
                  targetAPY: try c.decode(Decimal.self, forKey: .targetAPY),
                  amountUSD: try c.decode(Decimal.self, forKey: .amountUSD),
                  apyImprovement: try c.decode(Decimal.self, forKey: .apyImprovement),
                  annualGainUSD: try c.decode(Decimal.self, forKey: .annualGainUSD),
                  costs: try c.decode(CostBreakdown.self, forKey: .costs),
                  netGainUSD: try c.decode(Decimal.self, forKey: .netGainUSD),
                  breakEvenDays: try c.decode(Int.self, forKey: .breakEvenDays),
                  roiPct: try c.decode(Decimal.self, forKey: .roiPct),
                  gates: try c.decode([GateVerdict].self, forKey: .gates),
                  guards: try c.decodeIfPresent(GuardChecks.self, forKey: .guards))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(profitable, forKey: .profitable)
        try c.encode(currentAPY, forKey: .currentAPY)
        try c.encode(targetAPY, forKey: .targetAPY)
        try c.encode(amountUSD, forKey: .amountUSD)
        try c.encode(apyImprovement, forKey: .apyImprovement)
        try c.encode(annualGainUSD, forKey: .annualGainUSD)
        try c.encode(costs, forKey: .costs)
        try c.encode(netGainUSD, forKey: .netGainUSD)
        try c.encode(breakEvenDays, forKey: .breakEvenDays)
        try c.encode(roiPct, forKey: .roiPct)
        try c.encode(gates, forKey: .gates)
        try c.encodeIfPresent(guards, forKey: .guards)
    }
}
