/// A Solidity ABI type, parsed from its canonical text (`uint256`, `(address,bytes32)[]`, …).
public indirect enum ABIType: Sendable, Hashable {
    case address
    case bool
    /// uint<N>, N in 8...256, a multiple of 8.
    case uint(Int)
    /// int<N>, N in 8...256, a multiple of 8.
    case int(Int)
    /// bytes<N>, N in 1...32.
    case fixedBytes(Int)
    case bytes
    case string
    /// T[]
    case array(ABIType)
    /// T[k]
    case fixedArray(ABIType, Int)
    case tuple([ABIType])

    /// Dynamic types are encoded behind an offset in their enclosing head.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let t, let n): return n > 0 && t.isDynamic
        case .tuple(let ts): return ts.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes the type takes in its enclosing head: 32 for dynamic types, the full size for static ones.
    public var headSize: Int {
        if isDynamic { return 32 }
        switch self {
        case .fixedArray(let t, let n): return t.headSize * n
        case .tuple(let ts): return ts.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }

    /// The canonical spelling used in function signatures (`uint` becomes `uint256`).
    public var canonicalName: String {
        switch self {
        case .address: return "address"
        case .bool: return "bool"
        case .uint(let n): return "uint\(n)"
        case .int(let n): return "int\(n)"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let t): return t.canonicalName + "[]"
        case .fixedArray(let t, let n): return t.canonicalName + "[\(n)]"
        case .tuple(let ts): return "(" + ts.map(\.canonicalName).joined(separator: ",") + ")"
        }
    }

    /// Parses one type, e.g. `uint256`, `bytes32[2]`, `(address,uint256)[]`.
    public init(_ text: String) throws {
        var parser = ABITypeParser(text)
        self = try parser.parseType()
        guard parser.atEnd else { throw ABIError.invalidType(text) }
    }
}

/// Recursive-descent parser over the UTF-8 of a type or a parameter list.
struct ABITypeParser {
    private let text: String
    private let chars: [UInt8]
    private var index = 0
    private var depth = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text.utf8)
    }

    var atEnd: Bool { index == chars.count }

    mutating func parseType() throws -> ABIType {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw ABIError.invalidType(text) }
        var type: ABIType
        if peek == UInt8(ascii: "(") {
            type = .tuple(try parseList())
        } else {
            let start = index
            while let c = peek, isNameCharacter(c) { index += 1 }
            type = try Self.elementary(String(decoding: chars[start..<index], as: UTF8.self), in: text)
        }
        while peek == UInt8(ascii: "[") {
            index += 1
            let start = index
            while let c = peek, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { index += 1 }
            guard peek == UInt8(ascii: "]") else { throw ABIError.invalidType(text) }
            let digits = String(decoding: chars[start..<index], as: UTF8.self)
            index += 1
            if digits.isEmpty {
                type = .array(type)
            } else {
                // Bounded so that head sizes stay far from integer overflow.
                guard let n = Int(digits), n > 0, n <= 1 << 16, type.headSize <= (1 << 32) / n else {
                    throw ABIError.invalidType(text)
                }
                type = .fixedArray(type, n)
            }
        }
        return type
    }

    /// `(T1,T2,…)`; `()` is the empty list.
    mutating func parseList() throws -> [ABIType] {
        guard peek == UInt8(ascii: "(") else { throw ABIError.invalidType(text) }
        index += 1
        var types: [ABIType] = []
        if peek == UInt8(ascii: ")") { index += 1; return types }
        while true {
            types.append(try parseType())
            guard let c = peek else { throw ABIError.invalidType(text) }
            index += 1
            if c == UInt8(ascii: ")") { return types }
            guard c == UInt8(ascii: ",") else { throw ABIError.invalidType(text) }
        }
    }

    /// The function name before the parameter list of a signature.
    mutating func parseName() -> String {
        let start = index
        while let c = peek, isNameCharacter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") { index += 1 }
        return String(decoding: chars[start..<index], as: UTF8.self)
    }

    private var peek: UInt8? { index < chars.count ? chars[index] : nil }

    private func isNameCharacter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }

    private static func elementary(_ name: String, in text: String) throws -> ABIType {
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(256)
        case "int": return .int(256)
        default: break
        }
        func size(after prefix: String) -> Int? {
            guard name.hasPrefix(prefix), let n = Int(name.dropFirst(prefix.count)),
                  String(n) == name.dropFirst(prefix.count) else { return nil }
            return n
        }
        if let n = size(after: "uint"), n >= 8, n <= 256, n % 8 == 0 { return .uint(n) }
        if let n = size(after: "int"), n >= 8, n <= 256, n % 8 == 0 { return .int(n) }
        if let n = size(after: "bytes"), n >= 1, n <= 32 { return .fixedBytes(n) }
        throw ABIError.invalidType(text)
    }
}
