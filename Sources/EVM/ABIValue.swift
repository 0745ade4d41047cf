/// A value to encode into, or decoded from, ABI data.
public indirect enum ABIValue: Sendable, Hashable {
    case address(Address)
    case bool(Bool)
    case uint(UInt256)
    case int(Int256)
    /// bytes<N>: 1 to 32 bytes, left-aligned in the word.
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    /// T[]: a length, then the elements.
    case array([ABIValue])
    /// T[k]: the elements only.
    case fixedArray([ABIValue])
    case tuple([ABIValue])

    /// Whether this value goes behind an offset (the same rule as `ABIType.isDynamic`).
    var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let vs), .tuple(let vs): return vs.contains { $0.isDynamic }
        default: return false
        }
    }

    public var uintValue: UInt256? { if case .uint(let v) = self { v } else { nil } }
    public var intValue: Int256? { if case .int(let v) = self { v } else { nil } }
    public var addressValue: Address? { if case .address(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }

    /// The bytes of a `bytes` or `bytes<N>` value.
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let b), .fixedBytes(let b): return b
        default: return nil
        }
    }

    /// The elements of an array, a fixed array or a tuple.
    public var elements: [ABIValue]? {
        switch self {
        case .array(let vs), .fixedArray(let vs), .tuple(let vs): return vs
        default: return nil
        }
    }

    /// Checks that the value can be encoded as `type` (ranges, lengths, shapes).
    func check(against type: ABIType) throws {
        switch (type, self) {
        case (.address, .address), (.bool, .bool), (.bytes, .bytes), (.string, .string):
            return
        case (.uint(let bits), .uint(let v)):
            guard v.bitWidth <= bits else { throw ABIError.valueOutOfRange(type.canonicalName, v.decimalString) }
        case (.int(let bits), .int(let v)):
            let limit = UInt256(1) << (bits - 1)
            guard v.isNegative ? v.magnitude <= limit : v.magnitude < limit else {
                throw ABIError.valueOutOfRange(type.canonicalName, v.description)
            }
        case (.fixedBytes(let n), .fixedBytes(let b)):
            guard b.count == n else { throw ABIError.valueOutOfRange(type.canonicalName, "\(b.count) bytes") }
        case (.array(let t), .array(let vs)):
            for v in vs { try v.check(against: t) }
        case (.fixedArray(let t, let n), .fixedArray(let vs)):
            guard vs.count == n else { throw ABIError.valueOutOfRange(type.canonicalName, "\(vs.count) elements") }
            for v in vs { try v.check(against: t) }
        case (.tuple(let ts), .tuple(let vs)):
            guard ts.count == vs.count else { throw ABIError.valueOutOfRange(type.canonicalName, "\(vs.count) elements") }
            for (t, v) in zip(ts, vs) { try v.check(against: t) }
        default:
            throw ABIError.typeMismatch(expected: type.canonicalName)
        }
    }
}
