import Foundation

/// Spend and activity recorded for one UTC day. Persisted, so a restart never resets it.
public struct DailyBudget: Codable, Hashable, Sendable {
    public var day: String
    public var rebalances: Int
    public var gasUSD: Decimal

    public init(day: String, rebalances: Int = 0, gasUSD: Decimal = 0) {
        self.day = day
        self.rebalances = rebalances
        self.gasUSD = gasUSD
    }
}

/// Hard limits checked before every execution (and again when an approval is granted).
public struct SafetyLimits: Codable, Hashable, Sendable {
    public var maxRebalancesPerDay: Int
    public var maxGasPerDayUSD: Decimal
    public var maxTransactionValueUSD: Decimal
    /// MAX_GAS_PER_DAY_ETH in wei: the same limit in the unit the chain charges, so a node that lies
    /// about ETH/USD (a low price makes any gas look cheap in USD) still cannot make the day cost more.
    public var maxGasPerDayWei: UInt128

    public init(maxRebalancesPerDay: Int, maxGasPerDayUSD: Decimal, maxTransactionValueUSD: Decimal, maxGasPerDayWei: UInt128 = .max) {
        self.maxRebalancesPerDay = maxRebalancesPerDay
        self.maxGasPerDayUSD = maxGasPerDayUSD
        self.maxTransactionValueUSD = maxTransactionValueUSD
        self.maxGasPerDayWei = maxGasPerDayWei
    }

    /// Wei as ETH text, exact ("0.0123").
    public static func eth(_ wei: UInt128) -> String { Decimal(string: String(wei))!.shifted(by: -18).plainString }

    /// The ETH limit's breach when today's spend in wei plus this move's worst case passes it.
    public func checkGas(spentWei: UInt128, estimatedWei: UInt128) -> Breach? {
        let (total, overflow) = spentWei.addingReportingOverflow(estimatedWei)
        guard overflow || total > maxGasPerDayWei else { return nil }
        return Breach(limit: .maxGasPerDayETH,
                      detail: "gas today \(Self.eth(spentWei)) ETH + this move \(Self.eth(estimatedWei)) ETH > \(Self.eth(maxGasPerDayWei)) ETH")
    }

    /// Why one more signature that may cost `worstWei` (`worstUSD` at a fresh price) does not fit
    /// today's limits with `spentWei` / `spentUSD` already spent, or nil when it fits.
    public func gasRefusal(spentWei: UInt128, spentUSD: Decimal, worstWei: UInt128, worstUSD: Decimal) -> String? {
        let (total, overflow) = spentWei.addingReportingOverflow(worstWei)
        if overflow || total > maxGasPerDayWei {
            return "it may cost up to \(Self.eth(worstWei)) ETH; with \(Self.eth(spentWei)) ETH spent today that passes MAX_GAS_PER_DAY_ETH \(Self.eth(maxGasPerDayWei))"
        }
        if spentUSD + worstUSD > maxGasPerDayUSD {
            return "it may cost up to $\(worstUSD.fixed(4)) at the fresh ETH/USD; with $\(spentUSD.fixed(4)) spent today that passes MAX_GAS_PER_DAY_USD $\(maxGasPerDayUSD.fixed(2))"
        }
        return nil
    }

    /// The limits by the names events and alerts give them (`limit.reached`'s `limit`).
    public enum Limit: String, CaseIterable, Sendable, Hashable {
        case maxRebalancesPerDay = "max_rebalances_per_day"
        case maxGasPerDayUSD = "max_gas_per_day_usd"
        case maxGasPerDayETH = "max_gas_per_day_eth"
        case maxTransactionValueUSD = "max_transaction_value_usd"
    }

    public struct Breach: Hashable, Sendable {
        public var limit: Limit
        public var detail: String
    }

    /// The first limit this move would break, or nil. The gas check uses today's spend plus this move's
    /// estimated gas, so one execution cannot overshoot the daily cap (the original checked only before).
    public func check(budget: DailyBudget, amountUSD: Decimal, estimatedGasUSD: Decimal) -> Breach? {
        if budget.rebalances >= maxRebalancesPerDay {
            return Breach(limit: .maxRebalancesPerDay,
                          detail: "\(budget.rebalances) of \(maxRebalancesPerDay) rebalances used today (\(budget.day) UTC)")
        }
        if budget.gasUSD + estimatedGasUSD > maxGasPerDayUSD {
            return Breach(limit: .maxGasPerDayUSD,
                          detail: "gas today $\(budget.gasUSD.fixed(4)) + this move $\(estimatedGasUSD.fixed(4)) > $\(maxGasPerDayUSD.fixed(2))")
        }
        if amountUSD > maxTransactionValueUSD {
            return Breach(limit: .maxTransactionValueUSD,
                          detail: "amount $\(amountUSD.fixed(2)) > per-transaction cap $\(maxTransactionValueUSD.fixed(2))")
        }
        return nil
    }
}
