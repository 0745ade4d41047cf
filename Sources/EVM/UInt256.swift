/// An unsigned 256-bit integer: the EVM word, used for wei amounts, token base units and fees.
///
/// Four 64-bit limbs on the stack instead of an arbitrary-precision type, so arithmetic and RLP
/// encoding in the signing hot path allocate nothing. Arithmetic operators trap on overflow like
/// Swift's integers (money must never wrap silently); use the `…ReportingOverflow` forms to check.
public struct UInt256: Sendable, Hashable {
    /// Limbs, least significant first.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static let zero = UInt256(0)
    public static let max = UInt256(limbs: .max, .max, .max, .max)

    @inlinable
    public init(limbs w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    @inlinable
    public init(_ value: UInt64) { self.init(limbs: value, 0, 0, 0) }

    /// Converts a non-negative `Int`; traps on a negative value like `UInt64(_:)` does.
    @inlinable
    public init(_ value: Int) { self.init(UInt64(value)) }

    /// Big-endian bytes, at most 32 (leading zeros allowed); nil when longer.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard bytes.count <= 32 else { return nil }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var shift = bytes.count * 8
        for byte in bytes {
            shift -= 8
            let limb = shift / 64, offset = UInt64(shift % 64)
            switch limb {
            case 0: limbs.0 |= UInt64(byte) << offset
            case 1: limbs.1 |= UInt64(byte) << offset
            case 2: limbs.2 |= UInt64(byte) << offset
            default: limbs.3 |= UInt64(byte) << offset
            }
        }
        self.init(limbs: limbs.0, limbs.1, limbs.2, limbs.3)
    }

    @inlinable
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    @inlinable
    subscript(limb index: Int) -> UInt64 {
        get {
            switch index {
            case 0: return w0
            case 1: return w1
            case 2: return w2
            default: return w3
            }
        }
        set {
            switch index {
            case 0: w0 = newValue
            case 1: w1 = newValue
            case 2: w2 = newValue
            default: w3 = newValue
            }
        }
    }

    /// The value as `UInt64` when it fits.
    public var uint64Value: UInt64? { (w1 | w2 | w3) == 0 ? w0 : nil }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        if w3 != 0 { return 256 - w3.leadingZeroBitCount }
        if w2 != 0 { return 192 - w2.leadingZeroBitCount }
        if w1 != 0 { return 128 - w1.leadingZeroBitCount }
        return 64 - w0.leadingZeroBitCount
    }

    /// Number of bytes in the minimal big-endian form (0 for zero), as RLP integers need.
    @inlinable
    public var byteWidth: Int { (bitWidth + 7) / 8 }

    /// Exactly 32 big-endian bytes, as an ABI word.
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[31 - i] = byte(at: i) }
        return out
    }

    /// Big-endian bytes without leading zeros; empty for zero (RLP's integer form).
    public var minimalBigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        appendMinimalBigEndian(to: &out)
        return out
    }

    /// Appends the minimal big-endian form without an intermediate array.
    @inlinable
    public func appendMinimalBigEndian(to out: inout [UInt8]) {
        var i = byteWidth
        while i > 0 {
            i -= 1
            out.append(byte(at: i))
        }
    }

    /// Byte `i` counted from the least significant end.
    @inlinable
    func byte(at i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: self[limb: i >> 3] >> UInt64((i & 7) * 8))
    }

    /// An approximation for display and ratios; never use it for amounts.
    public var doubleValue: Double {
        let two64 = 18_446_744_073_709_551_616.0
        return ((Double(w3) * two64 + Double(w2)) * two64 + Double(w1)) * two64 + Double(w0)
    }
}

extension UInt256: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt64) { self.init(value) }
}

extension UInt256: Comparable {
    @inlinable
    public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.w3 != b.w3 { return a.w3 < b.w3 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        return a.w0 < b.w0
    }
}

extension UInt256: CustomStringConvertible, LosslessStringConvertible {
    /// Decimal digits.
    public var description: String { decimalString }

    /// Parses decimal digits; nil for anything else or when the value exceeds 2^256 − 1.
    public init?(_ description: String) {
        guard let value = try? UInt256(decimal: description) else { return nil }
        self = value
    }
}

extension UInt256: Codable {
    /// Encoded as a decimal string: JSON numbers lose precision above 2^53.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try UInt256(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
