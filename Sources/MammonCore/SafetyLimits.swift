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

    public init(maxRebalancesPerDay: Int, maxGasPerDayUSD: Decimal, maxTransactionValueUSD: Decimal) {
        self.maxRebalancesPerDay = maxRebalancesPerDay
        self.maxGasPerDayUSD = maxGasPerDayUSD
        self.maxTransactionValueUSD = maxTransactionValueUSD
    }

    /// The limits by the names events and alerts give them (`limit.reached`'s `limit`).
    public enum Limit: String, CaseIterable, Sendable, Hashable {
        case maxRebalancesPerDay = "max_rebalances_per_day"
        case maxGasPerDayUSD = "max_gas_per_day_usd"
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
