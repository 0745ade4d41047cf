import EVM
import Foundation
import MammonCore

/// Supply APYs as the protocols' own interfaces compute them, in percent, in Decimal.
enum APYMath {
    static let secondsPerYear = 31_536_000

    /// Aave's UI (aave-utilities `calculateCompoundedRate`): (1 + APR/secondsPerYear)^secondsPerYear − 1,
    /// with APR = currentLiquidityRate / 1e27.
    static func aaveSupplyAPY(liquidityRateRay: UInt256) -> Decimal {
        let apr = liquidityRateRay.decimalValue / Decimal.powerOfTen(27)
        return percent(power(1 + apr / Decimal(secondsPerYear), secondsPerYear) - 1)
    }

    /// Moonwell's SDK (`calculateApy`): (rate × 86400 + 1)^365 − 1, rate = supplyRatePerTimestamp / 1e18.
    static func moonwellSupplyAPY(ratePerSecond: UInt256) -> Decimal {
        let rate = ratePerSecond.decimalValue / Decimal.powerOfTen(18)
        return percent(power(rate * 86_400 + 1, 365) - 1)
    }

    /// A per-second rate (1e18-scaled) compounded every second for a year: Compound V3's supply index
    /// grows by rate × seconds on each accrual, and accruals come every few seconds.
    static func perSecondCompoundedAPY(ratePerSecond: UInt256) -> Decimal {
        let rate = ratePerSecond.decimalValue / Decimal.powerOfTen(18)
        return percent(power(1 + rate, secondsPerYear) - 1)
    }

    /// An ERC-4626 vault's APY from two share prices `seconds` apart: (p1/p0)^(year/seconds) − 1.
    /// The fractional exponent needs `exp`/`log`; a rate, not money, so a Double is fine here,
    /// rounded to 6 decimals of a percent.
    static func sharePriceAPY(from p0: UInt256, to p1: UInt256, seconds: UInt64) -> Decimal {
        guard !p0.isZero, seconds > 0 else { return 0 }
        let growth = p1.doubleValue / p0.doubleValue
        guard growth.isFinite, growth > 0 else { return 0 }
        let apy = (exp(log(growth) * Double(secondsPerYear) / Double(seconds)) - 1) * 100
        guard apy.isFinite else { return 0 }
        var d = Decimal(string: String(format: "%.6f", apy)) ?? 0
        var rounded = Decimal()
        NSDecimalRound(&rounded, &d, 6, .plain)
        return rounded
    }

    /// base^n by squaring, in Decimal (38 significant digits: ample for 25 squarings).
    static func power(_ base: Decimal, _ n: Int) -> Decimal {
        var result: Decimal = 1, b = base, e = n
        while e > 0 {
            if e & 1 == 1 { result *= b }
            b *= b
            e >>= 1
        }
        return result
    }

    /// A fraction as a percent, rounded to 6 decimals (well below any gate's resolution).
    static func percent(_ fraction: Decimal) -> Decimal {
        var value = fraction * 100, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 6, .plain)
        return rounded
    }
}
