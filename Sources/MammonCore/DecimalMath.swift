import Foundation

/// Natural logarithm and exponential on `Decimal`, by series: rates are compounded and annualized
/// without a floating-point number in the path (38 significant digits, the same on every machine).
public enum DecimalMath {
    /// Seconds in the year APYs are quoted over (365 days).
    public static let secondsPerYear: Decimal = 31_536_000

    static let negligible = Decimal(sign: .plus, exponent: -40, significand: 1)

    /// ln 2, from the same series (y = 1/3).
    static let ln2: Decimal = atanhSeries(Decimal(1) / 3) * 2

    /// ln(x) for x > 0; nil otherwise.
    public static func log(_ x: Decimal) -> Decimal? {
        guard x > 0 else { return nil }
        // x = m × 2^k with m in [0.75, 1.5]: the series then converges in a few terms.
        var m = x, k = 0
        while m > Decimal(string: "1.5")! { m /= 2; k += 1 }
        while m < Decimal(string: "0.75")! { m *= 2; k -= 1 }
        return Decimal(k) * ln2 + 2 * atanhSeries((m - 1) / (m + 1))
    }

    /// e^x. Arguments beyond ±200 are clamped (e^200 already exceeds any balance).
    public static func exp(_ x: Decimal) -> Decimal {
        var r = min(max(x, -200), 200)
        // Halve until small, sum the series, square back.
        var halvings = 0
        while abs(r) > Decimal(string: "0.25")! { r /= 2; halvings += 1 }
        var term = Decimal(1), sum = Decimal(1)
        for n in 1...40 {
            term = term * r / Decimal(n)
            // Past 38 significant digits a term changes nothing (and a tiny one would underflow).
            if abs(term) < negligible { break }
            sum += term
        }
        for _ in 0..<halvings { sum *= sum }
        return sum
    }

    /// (1 + rate)^exponent, for a growth rate above −1: how a balance compounds.
    public static func growth(rate: Decimal, exponent: Decimal) -> Decimal? {
        log(1 + rate).map { exp($0 * exponent) }
    }

    /// y + y³/3 + y⁵/5 + …, which is atanh(y) for |y| < 1.
    private static func atanhSeries(_ y: Decimal) -> Decimal {
        let y2 = y * y
        var power = y, sum = y
        for k in stride(from: 3, through: 121, by: 2) {
            power *= y2
            let term = power / Decimal(k)
            if abs(term) < negligible { break }
            sum += term
        }
        return sum
    }
}
