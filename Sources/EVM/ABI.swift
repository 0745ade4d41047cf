/// Solidity's contract ABI: selectors, argument encoding and return-data decoding.
///
/// Encoding follows the head/tail layout of the specification (docs/abi-spec.rst). Decoding is
/// strict about what the engine reads from untrusted nodes: values out of range for their type
/// (dirty high bits, a bool of 2), offsets or lengths past the data, and invalid UTF-8 are errors,
/// and total work is bounded so hostile data cannot make decoding explode.
public enum ABI {
    /// The first 4 bytes of keccak256 of the signature text, e.g. `transfer(address,uint256)`.
    public static func selector(_ signature: String) -> [UInt8] { Array(Keccak256.hash(signature).prefix(4)) }

    /// Encodes values as one argument list (a tuple without the outer offset).
    public static func encode(_ values: [ABIValue]) -> [UInt8] {
        var out: [UInt8] = []
        appendSequence(values, to: &out)
        return out
    }

    /// Encodes values after checking each against its declared type.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws -> [UInt8] {
        try ABIValue.tuple(values).check(against: .tuple(types))
        return encode(values)
    }

    /// Calldata for a call: selector of the canonical signature, then the checked arguments.
    /// `signature` may use aliases (`uint`), which are canonicalized before hashing.
    public static func encodeCall(_ signature: String, _ arguments: [ABIValue]) throws -> [UInt8] {
        let function = try parseSignature(signature)
        return selector(function.canonicalSignature) + (try encode(arguments, as: function.inputs))
    }

    /// Decodes an argument list or return data of the given types.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws -> [ABIValue] {
        var decoder = ABIDecoder(data: data)
        return try decoder.decodeSequence(types, at: 0)
    }

    /// Name and parameter types of `name(T1,T2,…)`.
    public static func parseSignature(_ signature: String) throws -> (name: String, inputs: [ABIType], canonicalSignature: String) {
        var parser = ABITypeParser(signature)
        let name = parser.parseName()
        guard !name.isEmpty else { throw ABIError.invalidType(signature) }
        let inputs = try parser.parseList()
        guard parser.atEnd else { throw ABIError.invalidType(signature) }
        return (name, inputs, name + ABIType.tuple(inputs).canonicalName)
    }

    private static func appendSequence(_ values: [ABIValue], to out: inout [UInt8]) {
        let headSize = values.reduce(0) { $0 + ($1.isDynamic ? 32 : staticSize($1)) }
        let headStart = out.count
        var tail: [UInt8] = []
        for value in values {
            if value.isDynamic {
                appendWord(UInt256(headSize + tail.count), to: &out)
                appendValue(value, to: &tail)
            } else {
                appendValue(value, to: &out)
            }
        }
        assert(out.count - headStart == headSize)
        out.append(contentsOf: tail)
    }

    private static func staticSize(_ value: ABIValue) -> Int {
        switch value {
        case .fixedArray(let vs), .tuple(let vs): return vs.reduce(0) { $0 + staticSize($1) }
        default: return 32
        }
    }

    private static func appendValue(_ value: ABIValue, to out: inout [UInt8]) {
        switch value {
        case .address(let a):
            out.append(contentsOf: repeatElement(0, count: 12))
            out.append(contentsOf: a.bytes)
        case .bool(let b): appendWord(b ? 1 : 0, to: &out)
        case .uint(let v): appendWord(v, to: &out)
        case .int(let v): appendWord(v.bitPattern, to: &out)
        case .fixedBytes(let b):
            out.append(contentsOf: b.prefix(32))
            out.append(contentsOf: repeatElement(0, count: 32 - min(b.count, 32)))
        case .bytes(let b): appendPadded(b, to: &out)
        case .string(let s): appendPadded(Array(s.utf8), to: &out)
        case .array(let vs):
            appendWord(UInt256(vs.count), to: &out)
            appendSequence(vs, to: &out)
        case .fixedArray(let vs), .tuple(let vs): appendSequence(vs, to: &out)
        }
    }

    private static func appendWord(_ v: UInt256, to out: inout [UInt8]) { out.append(contentsOf: v.bigEndianBytes) }

    private static func appendPadded(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendWord(UInt256(bytes.count), to: &out)
        out.append(contentsOf: bytes)
        out.append(contentsOf: repeatElement(0, count: (32 - bytes.count % 32) % 32))
    }
}

/// Why values cannot be encoded or data cannot be decoded.
public enum ABIError: Error, Equatable, CustomStringConvertible {
    case invalidType(String)
    case typeMismatch(expected: String)
    case valueOutOfRange(String, String)
    case dataTooShort(offset: Int, needed: Int)
    case badOffset(offset: Int)
    case dirtyValue(type: String, offset: Int)
    case invalidUTF8(offset: Int)
    case tooComplex

    public var description: String {
        switch self {
        case .invalidType(let t): return "\"\(t)\" is not a valid ABI type or signature"
        case .typeMismatch(let t): return "value does not match ABI type \(t)"
        case .valueOutOfRange(let t, let v): return "\(v) does not fit ABI type \(t)"
        case .dataTooShort(let o, let n): return "ABI data too short: need \(n) bytes at offset \(o)"
        case .badOffset(let o): return "ABI offset or length at byte \(o) points outside the data"
        case .dirtyValue(let t, let o): return "ABI word at byte \(o) is not a valid \(t)"
        case .invalidUTF8(let o): return "ABI string at byte \(o) is not valid UTF-8"
        case .tooComplex: return "ABI data expands to too many values"
        }
    }
}
