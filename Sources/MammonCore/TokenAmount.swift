import Foundation

/// An exact token quantity in base units (e.g. 1 USDC = 1_000_000). Never a floating-point number.
public struct TokenAmount: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var baseUnits: UInt128
    public var decimals: UInt8

    public init(baseUnits: UInt128, decimals: UInt8) {
        self.baseUnits = baseUnits
        self.decimals = decimals
    }

    public static func zero(_ token: Token) -> TokenAmount { TokenAmount(baseUnits: 0, decimals: token.decimals) }

    /// Parses "1234.56" exactly; more fractional digits than the token has is an error, not a rounding.
    public init(decimalString text: String, decimals: UInt8) throws(AmountError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { throw .malformed(text) }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= Int(decimals) else { throw .tooPrecise(text, decimals: decimals) }
        let digits = String(parts[0]) + fraction + String(repeating: "0", count: Int(decimals) - fraction.count)
        guard let units = UInt128(digits.isEmpty ? "0" : digits) else { throw .outOfRange(text) }
        self.init(baseUnits: units, decimals: decimals)
    }

    /// The same quantity in whole tokens, exact (Decimal holds 38 significant digits).
    public var decimalValue: Decimal {
        if baseUnits <= UInt128(UInt64.max) {
            return Decimal(UInt64(baseUnits)).shifted(by: -Int(decimals))
        }
        return Decimal(string: String(baseUnits))!.shifted(by: -Int(decimals))
    }

    /// Whole tokens as text with every decimal, e.g. "1234.560000".
    public var exactString: String {
        let digits = String(baseUnits)
        let d = Int(decimals)
        guard d > 0 else { return digits }
        let padded = String(repeating: "0", count: max(0, d + 1 - digits.count)) + digits
        return String(padded.dropLast(d)) + "." + String(padded.suffix(d))
    }

    public var description: String { exactString }
    public var isZero: Bool { baseUnits == 0 }

    public static func < (a: Self, b: Self) -> Bool { a.baseUnits < b.baseUnits }

    /// Checked subtraction: nil when it would go below zero.
    public func subtracting(_ other: TokenAmount) -> TokenAmount? {
        other.baseUnits <= baseUnits ? TokenAmount(baseUnits: baseUnits - other.baseUnits, decimals: decimals) : nil
    }

    public func adding(_ other: TokenAmount) -> TokenAmount {
        TokenAmount(baseUnits: baseUnits + other.baseUnits, decimals: decimals)
    }
}

extension TokenAmount: Codable {
    // Encoded as the exact base-unit integer in a string, so JSON readers never round it.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .baseUnits)
        guard let units = UInt128(text) else {
            throw DecodingError.dataCorruptedError(forKey: .baseUnits, in: c, debugDescription: "not an integer: \(text)")
        }
        self.init(baseUnits: units, decimals: try c.decode(UInt8.self, forKey: .decimals))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(String(baseUnits), forKey: .baseUnits)
        try c.encode(decimals, forKey: .decimals)
        try c.encode(exactString, forKey: .amount)
    }

    private enum CodingKeys: String, CodingKey { case baseUnits = "base_units", decimals, amount }
}

public enum AmountError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case tooPrecise(String, decimals: UInt8)
    case outOfRange(String)

    public var description: String {
        switch self {
        case .malformed(let t): "'\(t)' is not a decimal amount"
        case .tooPrecise(let t, let d): "'\(t)' has more than \(d) decimals"
        case .outOfRange(let t): "'\(t)' is too large"
        }
    }
}
