import EVM
import Foundation

/// The ranges a number from the node must fall in before any arithmetic uses it. The node is an
/// untrusted input: a value outside is `LiveChainError.outOfRange` naming the call and the value,
/// never a trap, a wrap or a silent default. The limits are far beyond anything real (so a real
/// chain never trips them) and far below what would overflow the math that follows.
enum NodeBounds {
    /// Gas of one block, so of one transaction: Base's block gas limit is a few hundred million.
    static let maxBlockGas: UInt64 = 1_000_000_000
    /// Base fee, tip, gas price: 100 000 gwei, a hundred times Ethereum's worst spikes.
    static let maxGasPriceWei: UInt128 = 100_000 * 1_000_000_000
    /// The L1 data fee of one transaction: 1 ETH.
    static let maxL1FeeWei: UInt128 = 1_000_000_000_000_000_000
    /// A lending market's supply APY, in percent. Above it the rate is a lie or a broken market.
    static let maxAPYPercent: Decimal = 1000
    /// A token amount (balance, position, supply, cash): a trillion whole tokens.
    static func maxTokenUnits(decimals: UInt8) -> UInt256 { .powerOfTen(Int(decimals) + 12)! }
    /// Moonwell's exchange rate (underlying base units per mToken base unit, × 1e18): at most 10 000
    /// whole underlying tokens per whole 8-decimal mToken (Moonwell starts at 0.02 and only accrues).
    static func maxMoonwellExchangeRate(decimals: UInt8) -> UInt256 { .powerOfTen(18 - 8 + Int(decimals) + 4)! }
    /// A vault's share price as read (assets per `ERC4626Adapter.priceShares` shares): 10^24
    /// times what an 18-decimal vault over an 18-decimal asset reads at par.
    static let maxVaultSharePrice: UInt256 = .powerOfTen(54)!

    /// `value` when it is at most `limit`, else `.outOfRange` naming `call`.
    static func atMost(_ value: UInt256, _ limit: UInt256, call: String, unit: String = "") throws(LiveChainError) -> UInt256 {
        guard value <= limit else {
            throw .outOfRange(call: call, value: value.decimalString + unit, limit: "at most \(limit.decimalString)\(unit)")
        }
        return value
    }

    /// A bounded value as `UInt128` (the limit must fit 128 bits).
    static func uint128(_ value: UInt256, atMost limit: UInt128, call: String, unit: String = "") throws(LiveChainError) -> UInt128 {
        try atMost(value, UInt256(limit), call: call, unit: unit).uint128Value!
    }

    /// A token amount in base units, at most a trillion whole tokens.
    static func tokenUnits(_ value: UInt256, decimals: UInt8, call: String) throws(LiveChainError) -> UInt128 {
        guard let units = try atMost(value, maxTokenUnits(decimals: decimals), call: call).uint128Value else {
            throw .outOfRange(call: call, value: value.decimalString, limit: "a token amount")  // only when decimals > 26
        }
        return units
    }

    /// a × b / d, or `.outOfRange` when a × b does not fit 256 bits.
    static func mulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256, call: String) throws(LiveChainError) -> UInt256 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw .outOfRange(call: call, value: "\(a.decimalString) × \(b.decimalString)", limit: "a product below 2^256") }
        return product / d
    }

    /// An APY in percent, at most `maxAPYPercent`.
    static func apy(_ percent: Decimal, call: String, value: UInt256) throws(LiveChainError) -> Decimal {
        guard percent.isFinite, percent <= maxAPYPercent else {
            throw .outOfRange(call: call, value: "\(value.decimalString) (an APY of \(percent.isFinite ? percent.description : "∞") %)",
                              limit: "an APY of at most \(maxAPYPercent) %")
        }
        return percent
    }
}
