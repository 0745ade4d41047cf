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

    /// Parses what `plainString` writes ("-12.5", "0.0027", "1500") without Foundation's parser,
    /// which dominated reading a year of stored rates: up to 19 digits are read as an integer and a
    /// decimal exponent; anything longer or unusual goes through `strict`.
    public static func plain(_ text: String) -> Decimal? {
        var significand: UInt64 = 0, exponent = 0, digits = 0
        var negative = false, dot = false, any = false
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0:
                negative = true
            case UInt8(ascii: "."):
                guard !dot, any else { return strict(text) }
                dot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 19 else { return strict(text) }
                significand = significand * 10 + UInt64(b - UInt8(ascii: "0"))
                if significand > 0 { digits += 1 }
                if dot { exponent -= 1 }
                any = true
            default:
                return strict(text)
            }
        }
        guard any, text.utf8.last != UInt8(ascii: ".") else { return strict(text) }
        return Decimal(sign: negative && significand > 0 ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
    }

    /// The value × 10^digits as an integer, rounded half-even: "4.9" at 6 digits is 4,900,000.
    /// Parsed from `plainString`'s text (what the store holds) without building a `Decimal`.
    public static func scaledInteger(_ text: String, digits: Int) -> Int128? {
        var whole: Int128 = 0, negative = false, dot = false, taken = 0, any = false
        var firstDropped: UInt8?, restNonZero = false
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "."):
                guard !dot else { return nil }
                dot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                any = true
                let d = Int128(b - UInt8(ascii: "0"))
                if !dot || taken < digits {
                    guard whole < Int128.max / 100 else { return nil }
                    whole = whole * 10 + d
                    if dot { taken += 1 }
                } else if firstDropped == nil {
                    firstDropped = b - UInt8(ascii: "0")
                } else if d != 0 {
                    restNonZero = true
                }
            default: return nil
            }
        }
        guard any else { return nil }
        for _ in taken..<digits { whole *= 10 }
        if let f = firstDropped, f > 5 || (f == 5 && (restNonZero || whole % 2 == 1)) { whole += 1 }
        return negative ? -whole : whole
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
