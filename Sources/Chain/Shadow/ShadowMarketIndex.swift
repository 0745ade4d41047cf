import EVM
import MammonCore

/// How a market turns its units into USDC at one moment, rounding as the contracts do (units are
/// minted rounding down, burned for an amount rounding up, and valued rounding down).
public enum ShadowMarketIndex: Sendable, Hashable {
    /// Aave: the reserve's normalized income (ray): value = scaled × index / 1e27.
    case aave(indexRay: UInt256)
    /// Compound-style: the exchange rate (1e18-scaled): value = mTokens × rate / 1e18.
    case exchangeRate(UInt256)
    /// An ERC-4626 vault at (total assets, total supply) with its virtual offset (MetaMorpho:
    /// 10^(18 − asset decimals)): value = shares × (assets + 1) / (supply + offset).
    case vault(totalAssets: UInt256, totalSupply: UInt256, offset: UInt256)

    static let ray = UInt256.powerOfTen(27)!
    static let exp = UInt256.powerOfTen(18)!

    /// (numerator, denominator) of units → underlying.
    var ratio: (UInt256, UInt256) {
        switch self {
        case .aave(let index): (index, Self.ray)
        case .exchangeRate(let rate): (rate, Self.exp)
        case .vault(let assets, let supply, let offset): (assets + UInt256(1), supply + offset)
        }
    }

    /// What `units` are worth in USDC base units (rounded down; saturating at 2^128 − 1, never a trap).
    public func value(of units: UInt256) -> UInt128 {
        let (num, den) = ratio
        let (product, overflow) = units.multipliedReportingOverflow(by: num)
        guard !den.isZero, !overflow else { return den.isZero ? 0 : .max }
        return (product / den).uint128Value ?? .max
    }

    public func unitsMinted(for amount: UInt128) -> UInt256 {
        let (num, den) = ratio
        let (product, overflow) = UInt256(amount).multipliedReportingOverflow(by: den)
        guard !num.isZero, !overflow else { return .zero }
        return product / num
    }

    public func unitsBurned(for amount: UInt128) -> UInt256 {
        let (num, den) = ratio
        let (product, overflow) = UInt256(amount).multipliedReportingOverflow(by: den)
        guard !num.isZero, !overflow else { return .max }
        return (product + num - UInt256(1)) / num
    }
}
