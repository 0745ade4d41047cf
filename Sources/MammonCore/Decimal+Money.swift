import Foundation

extension Decimal {
    /// 10^n exactly.
    public static func powerOfTen(_ n: Int) -> Decimal {
        Decimal(sign: .plus, exponent: n, significand: 1)
    }

    /// self × 10^n exactly, by moving the exponent: dividing by a power of ten is a slow long division.
    public func shifted(by n: Int) -> Decimal {
        self < 0 ? -Decimal(sign: .plus, exponent: n, significand: -self) : Decimal(sign: .plus, exponent: n, significand: self)
    }

    /// Rounded to `scale` fractional digits with the given mode (default half-even, as the original).
    public func rounded(_ scale: Int, _ mode: NSDecimalNumber.RoundingMode = .bankers) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, mode)
        return result
    }

    /// Parses a plain decimal ("12", "-0.5", "1e3" refused): Foundation's parser accepts trailing junk.
    public static func strict(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var rest = Substring(trimmed)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return Decimal(string: trimmed)
    }

    /// Fixed-point text, e.g. `(12.345).fixed(2) == "12.35"` (half-even).
    public func fixed(_ digits: Int) -> String {
        let r = rounded(digits)
        let negative = r < 0
        let magnitude = negative ? -r : r
        let scaled = magnitude.shifted(by: digits) // an integer after rounding
        var text = scaled.plainString
        if digits > 0 {
            if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        }
        return (negative && scaled != 0 ? "-" : "") + text
    }

    /// The value as a plain JSON-safe string with no exponent ("-12.5", "0.0027", "1500").
    public var plainString: String { description }

    public var doubleForDisplay: Double { NSDecimalNumber(decimal: self).doubleValue }
}
