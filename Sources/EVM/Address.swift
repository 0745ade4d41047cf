/// A 20-byte account address, printed with its EIP-55 checksum.
///
/// Parsing accepts all-lowercase and all-uppercase hex, and mixed case only when the checksum is
/// right: a mixed-case address with a wrong checksum is a typo, and money sent to it is gone.
public struct Address: Sendable, Hashable {
    /// The 20 bytes, big-endian as they appear on chain.
    public let bytes: [UInt8]

    public static let zero = Address(validBytes: [UInt8](repeating: 0, count: 20))

    /// Wraps exactly 20 bytes.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == 20 else { throw AddressError.wrongLength(bytes.count) }
        self.bytes = Array(bytes)
    }

    init(validBytes: [UInt8]) { self.bytes = validBytes }

    /// Parses `0x` + 40 hex digits (the prefix is optional), checking EIP-55 when the case is mixed.
    public init(hex text: String) throws {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.utf8.count == 40 else { throw AddressError.wrongLength(digits.utf8.count / 2) }
        // Exactly 40 hex digits: Hex.decode alone would also take spaces and a second 0x among the
        // 40 characters and return fewer than 20 bytes (an Address that crashed its checksum).
        guard digits.utf8.allSatisfy({ Hex.nibble($0) != nil }), let bytes = try? Hex.decode(String(digits)), bytes.count == 20 else {
            throw AddressError.notHex(text)
        }
        self.bytes = bytes
        let hasLower = digits.contains { $0.isLowercase }, hasUpper = digits.contains { $0.isUppercase }
        if hasLower && hasUpper && String(digits) != Self.checksummedDigits(of: bytes) {
            throw AddressError.badChecksum(text, expected: checksummed)
        }
    }

    /// The address derived from a 64-byte uncompressed public key (without the 0x04 prefix).
    public init(publicKey: [UInt8]) throws {
        guard publicKey.count == 64 else { throw AddressError.wrongLength(publicKey.count) }
        self.bytes = Array(Keccak256.hash(publicKey)[12...])
    }

    /// `0x` + EIP-55 mixed-case hex.
    public var checksummed: String { "0x" + Self.checksummedDigits(of: bytes) }

    /// `0x` + lowercase hex, as keystores and some APIs store it.
    public var lowercased: String { Hex.encode(bytes) }

    /// EIP-55: uppercase hex letter i when nibble i of keccak(lowercase hex) is ≥ 8.
    static func checksummedDigits(of bytes: [UInt8]) -> String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out = lower
        for i in 0..<40 where out[i] >= UInt8(ascii: "a") {
            let nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0f
            if nibble >= 8 { out[i] -= 32 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Address: CustomStringConvertible {
    public var description: String { checksummed }
}

extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Address(hex: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}

/// Why text or bytes are not an address.
public enum AddressError: Error, Equatable, CustomStringConvertible {
    case wrongLength(Int)
    case notHex(String)
    case badChecksum(String, expected: String)

    public var description: String {
        switch self {
        case .wrongLength(let n): return "an address is 20 bytes (40 hex digits), got \(n) bytes"
        case .notHex(let t): return "\"\(t)\" is not a hex address"
        case .badChecksum(let t, let expected):
            return "\(t) has a wrong EIP-55 checksum (mixed case must be exactly \(expected)); check for a typo"
        }
    }
}
