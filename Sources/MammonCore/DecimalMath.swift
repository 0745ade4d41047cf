import Foundation

/// Natural logarithm and exponential for compounding and annualizing rates, without a
/// floating-point number in the path: series in 1e18 fixed point on `Int128` (18 decimals, the same
/// on every machine), with `Decimal` at the edges. `Decimal`'s own arithmetic was most of the cost
/// of scoring a year of moves.
public enum DecimalMath {
    /// Seconds in the year APYs are quoted over (365 days).
    public static let secondsPerYear: Decimal = 31_536_000
    public static let millisecondsPerYear: Int128 = 31_536_000_000

    /// 1.0 in fixed point.
    public static let one: Int128 = 1_000_000_000_000_000_000
    /// ln 2 × 1e18.
    static let ln2: Int128 = 693_147_180_559_945_309

    /// ln(x) for x > 0; nil otherwise.
    public static func log(_ x: Decimal) -> Decimal? {
        guard x > 0, let fixed = toFixed(x), fixed > 0 else { return nil }
        return fromFixed(logFixed(fixed))
    }

    /// e^x; arguments are clamped to ±40 (e^40 already exceeds any balance's growth).
    public static func exp(_ x: Decimal) -> Decimal {
        fromFixed(expFixed(toFixed(min(max(x, -40), 40)) ?? 0))
    }

    /// (1 + rate)^exponent, for a growth rate above −1: how a balance compounds.
    public static func growth(rate: Decimal, exponent: Decimal) -> Decimal? {
        guard let base = toFixed(1 + rate), base > 0, let power = toFixed(exponent) else { return nil }
        return fromFixed(expFixed(logFixed(base) * power / one))
    }

    /// ln(x / 1e18) × 1e18 for x > 0: x = m × 2^k with m in [0.75, 1.5], then 2·atanh((m−1)/(m+1)).
    public static func logFixed(_ x: Int128) -> Int128 {
        precondition(x > 0, "log of a non-positive number")
        var m = x, k: Int128 = 0
        while m > one * 3 / 2 { m /= 2; k += 1 }
        while m < one * 3 / 4 { m *= 2; k -= 1 }
        let y = (m - one) * one / (m + one)
        let y2 = y * y / one
        var power = y, sum = y
        var n: Int128 = 3
        while n < 200 {
            power = power * y2 / one
            let term = power / n
            if term == 0 { break }
            sum += term
            n += 2
        }
        return 2 * sum + k * ln2
    }

    /// e^(x / 1e18) × 1e18: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its series, times 2^k.
    public static func expFixed(_ x: Int128) -> Int128 {
        let x = min(max(x, -40 * one), 40 * one)
        let k = (x >= 0 ? x + ln2 / 2 : x - ln2 / 2) / ln2
        let r = x - k * ln2
        var term = one, sum = one
        var n: Int128 = 1
        while n < 40 {
            term = term * r / (n * one)
            if term == 0 { break }
            sum += term
            n += 1
        }
        return k >= 0 ? sum << Int(k) : sum >> Int(-k)
    }

    /// `x` × 1e18, rounded half-even; nil when it does not fit.
    public static func toFixed(_ x: Decimal) -> Int128? {
        Int128(x.shifted(by: 18).rounded(0).plainString)
    }

    public static func fromFixed(_ x: Int128) -> Decimal { x.decimalValue.shifted(by: -18) }
}
