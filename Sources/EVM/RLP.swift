/// One RLP value: a byte string or a list of values.
public indirect enum RLPItem: Sendable, Equatable {
    case bytes([UInt8])
    case list([RLPItem])

    /// An integer in RLP's canonical form: big-endian, no leading zeros, zero as the empty string.
    public static func uint(_ value: UInt256) -> RLPItem { .bytes(value.minimalBigEndianBytes) }
    public static func address(_ address: Address) -> RLPItem { .bytes(address.bytes) }
    public static func string(_ text: String) -> RLPItem { .bytes(Array(text.utf8)) }

    /// The bytes of a string item; an error for a list.
    public func bytesValue(_ field: String = "value") throws -> [UInt8] {
        guard case .bytes(let b) = self else { throw RLPError.expectedBytes(field: field) }
        return b
    }

    /// The items of a list; an error for a string.
    public func listValue(_ field: String = "value") throws -> [RLPItem] {
        guard case .list(let l) = self else { throw RLPError.expectedList(field: field) }
        return l
    }

    /// A canonical integer (≤ 32 bytes, no leading zero byte).
    public func uint256Value(_ field: String = "value") throws -> UInt256 {
        let b = try bytesValue(field)
        guard b.first != 0 else { throw RLPError.nonCanonicalInteger(field: field) }
        guard let v = UInt256(bigEndian: b) else { throw RLPError.integerTooLarge(field: field) }
        return v
    }

    /// A canonical integer that fits in 64 bits.
    public func uint64Value(_ field: String = "value") throws -> UInt64 {
        guard let v = try uint256Value(field).uint64Value else { throw RLPError.integerTooLarge(field: field) }
        return v
    }
}

/// Recursive Length Prefix, Ethereum's serialization (yellow paper, appendix B).
///
/// The decoder accepts only the canonical encoding: every value has exactly one byte form, so a
/// transaction's hash cannot be changed by re-encoding it. The cases rejected are those in
/// ethereum/tests invalidRLPTest.json (single bytes wrapped as strings, leading zeros or
/// non-minimal long lengths, lists whose items overrun or underrun the list, trailing bytes).
public enum RLP {
    /// Deepest list nesting accepted; transactions need 3, and the limit keeps recursion bounded.
    public static let maxDepth = 64

    public static func encode(_ item: RLPItem) -> [UInt8] {
        var writer = RLPWriter()
        writer.append(item)
        return writer.bytes
    }

    /// Decodes exactly one item that spans all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws -> RLPItem {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = RLPReader(buffer)
            let item = try reader.readItem(depth: 0)
            guard reader.offset == buffer.count else {
                throw RLPError.trailingBytes(count: buffer.count - reader.offset)
            }
            return item
        }
    }
}

/// Reads RLP from a buffer, checking every length against what is left of the enclosing list.
struct RLPReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0
    /// End of the innermost list being read: no item may cross it.
    private var limit: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        self.limit = buffer.count
    }

    mutating func readItem(depth: Int) throws -> RLPItem {
        guard offset < limit else { throw RLPError.unexpectedEnd(offset: offset) }
        let start = offset
        let prefix = buffer[offset]
        offset += 1
        switch prefix {
        case 0x00...0x7f:
            return .bytes([prefix])
        case 0x80...0xb7:
            let length = Int(prefix - 0x80)
            let payload = try take(length)
            if length == 1 && payload[payload.startIndex] < 0x80 {
                throw RLPError.nonCanonical(offset: start, reason: "single byte below 0x80 wrapped as a string")
            }
            return .bytes(Array(payload))
        case 0xb8...0xbf:
            let length = try readLongLength(byteCount: Int(prefix - 0xb7), at: start)
            return .bytes(Array(try take(length)))
        case 0xc0...0xf7:
            return .list(try readList(length: Int(prefix - 0xc0), depth: depth, at: start))
        default:
            let length = try readLongLength(byteCount: Int(prefix - 0xf7), at: start)
            return .list(try readList(length: length, depth: depth, at: start))
        }
    }

    private mutating func readList(length: Int, depth: Int, at start: Int) throws -> [RLPItem] {
        guard depth < RLP.maxDepth else { throw RLPError.tooDeep(limit: RLP.maxDepth) }
        try checkAvailable(length, at: start)
        let end = offset + length
        let outerLimit = limit
        limit = end
        defer { limit = outerLimit }
        var items: [RLPItem] = []
        while offset < end {
            items.append(try readItem(depth: depth + 1))
        }
        return items
    }

    /// A long-form length: big-endian, no leading zero, and at least 56 (else the short form applies).
    private mutating func readLongLength(byteCount: Int, at start: Int) throws -> Int {
        let bytes = try take(byteCount)
        guard bytes[bytes.startIndex] != 0 else {
            throw RLPError.nonCanonical(offset: start, reason: "length has a leading zero byte")
        }
        guard byteCount <= 4 else { throw RLPError.lengthTooLarge(offset: start) }
        var length = 0
        for b in bytes { length = length << 8 | Int(b) }
        guard length >= 56 else {
            throw RLPError.nonCanonical(offset: start, reason: "long form used for a length below 56")
        }
        return length
    }

    /// An item running past its list's end means the list's declared size is wrong.
    private func checkAvailable(_ count: Int, at start: Int) throws {
        guard count <= limit - offset else {
            throw limit < buffer.count ? RLPError.listLengthMismatch(offset: start) : RLPError.unexpectedEnd(offset: start)
        }
    }

    private mutating func take(_ count: Int) throws -> Slice<UnsafeBufferPointer<UInt8>> {
        try checkAvailable(count, at: offset)
        defer { offset += count }
        return buffer[offset..<(offset + count)]
    }
}

/// Why bytes are not canonical RLP, or not the RLP shape a caller expected.
public enum RLPError: Error, Equatable, CustomStringConvertible {
    case unexpectedEnd(offset: Int)
    case trailingBytes(count: Int)
    case nonCanonical(offset: Int, reason: String)
    case lengthTooLarge(offset: Int)
    case listLengthMismatch(offset: Int)
    case tooDeep(limit: Int)
    case expectedBytes(field: String)
    case expectedList(field: String)
    case nonCanonicalInteger(field: String)
    case integerTooLarge(field: String)

    public var description: String {
        switch self {
        case .unexpectedEnd(let o): return "RLP ends early (item at byte \(o) is longer than the input)"
        case .trailingBytes(let n): return "RLP has \(n) trailing byte(s) after the item"
        case .nonCanonical(let o, let why): return "non-canonical RLP at byte \(o): \(why)"
        case .lengthTooLarge(let o): return "RLP length at byte \(o) is larger than any input"
        case .listLengthMismatch(let o): return "RLP list at byte \(o): items do not fit its declared size"
        case .tooDeep(let limit): return "RLP nests deeper than \(limit) lists"
        case .expectedBytes(let f): return "\(f): expected an RLP string, found a list"
        case .expectedList(let f): return "\(f): expected an RLP list, found a string"
        case .nonCanonicalInteger(let f): return "\(f): integer has leading zero bytes"
        case .integerTooLarge(let f): return "\(f): integer is too large"
        }
    }
}
