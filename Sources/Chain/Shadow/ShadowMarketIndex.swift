import EVM
import MammonCore

/// How a market turns its units into USDC at one moment, rounding as the contracts do (units are
/// minted rounding down, burned for an amount rounding up, and valued rounding down).
public enum ShadowMarketIndex: Sendable, Hashable {
    /// Aave: the reserve's normalized income (ray): value = scaled × index / 1e27.
    case aave(indexRay: UInt256)
    /// Compound-style: the exchange rate (1e18-scaled): value = mTokens × rate / 1e18.
    case exchangeRate(UInt256)
    /// Compound V3: the Comet's base supply index (`totalsBasic().baseSupplyIndex`, scaled 1e15):
    /// value = principal × index / 1e15, as `balanceOf` is.
    case comet(baseSupplyIndex: UInt256)
    /// Any ERC-4626 vault by its share price, `convertToAssets(10^30)`: value = shares × price / 10^30,
    /// within one base unit of the vault's own conversion whatever its formula (virtual shares,
    /// exchange prices).
    case sharePrice(UInt256)

    static let ray = UInt256.powerOfTen(27)!
    static let exp = UInt256.powerOfTen(18)!
    static let cometIndexScale = UInt256.powerOfTen(15)!
    static let priceShares = UInt256.powerOfTen(30)!

    /// (numerator, denominator) of units → underlying.
    var ratio: (UInt256, UInt256) {
        switch self {
        case .aave(let index): (index, Self.ray)
        case .exchangeRate(let rate): (rate, Self.exp)
        case .comet(let index): (index, Self.cometIndexScale)
        case .sharePrice(let price): (price, Self.priceShares)
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
