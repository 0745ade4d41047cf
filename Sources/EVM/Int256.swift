/// A signed 256-bit integer in two's complement, for ABI `int<N>` values (e.g. Chainlink answers).
public struct Int256: Sendable, Hashable {
    /// The two's-complement bits, as the EVM stores them.
    public var bitPattern: UInt256

    public init(bitPattern: UInt256) { self.bitPattern = bitPattern }

    public init(_ value: Int64) {
        let magnitude = UInt256(value.magnitude)
        bitPattern = value < 0 ? (~magnitude) &+ 1 : magnitude
    }

    /// Parses an optionally `-`-prefixed decimal in [−2^255, 2^255 − 1].
    public init(decimal text: String) throws {
        let negative = text.hasPrefix("-")
        let magnitude = try UInt256(decimal: negative ? String(text.dropFirst()) : text)
        let limit = UInt256(1) << 255
        guard negative ? magnitude <= limit : magnitude < limit else { throw NumberFormatError.overflow(text) }
        bitPattern = negative ? (~magnitude) &+ 1 : magnitude
    }

    public var isNegative: Bool { bitPattern.w3 >> 63 == 1 }

    /// |value|; for −2^255 that is 2^255, which still fits in `UInt256`.
    public var magnitude: UInt256 { isNegative ? (~bitPattern) &+ 1 : bitPattern }

    /// The value as `Int64` when it fits.
    public var int64Value: Int64? {
        let m = magnitude
        guard let small = m.uint64Value else { return nil }
        if isNegative { return small <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- small) : nil }
        return small <= UInt64(Int64.max) ? Int64(small) : nil
    }
}

extension Int256: ExpressibleByIntegerLiteral, CustomStringConvertible {
    public init(integerLiteral value: Int64) { self.init(value) }
    public var description: String { (isNegative ? "-" : "") + magnitude.decimalString }
}
