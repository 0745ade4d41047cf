/// Why JSON-RPC hex text (a node's answer, never a secret) was refused: the text and what was wrong.
public struct HexTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "bad hex '\(text.prefix(80))': \(reason)" }
}

/// Ethereum JSON-RPC hex encodings, beside the byte encoding in Hex.swift.
///
/// Two kinds, per the execution API spec: a *quantity* is `0x` + minimal big-endian hex
/// (`0x0`, `0x1a`, never `0x01`); *data* is `0x` + two digits per byte. Values wider than
/// `UInt64` (balances, rays, exchange rates) stay as normalized quantity strings until the
/// EVM module's `UInt256` takes them.
extension Hex {
    /// `0x`-quantity of an unsigned integer.
    public static func quantity(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Parses a quantity into `UInt64`; refuses empty, non-hex and overflowing text.
    public static func parseQuantity(_ text: String) throws(HexTextError) -> UInt64 {
        let digits = try quantityDigits(text)
        guard digits.count <= 16, let value = UInt64(digits, radix: 16) else {
            throw HexTextError(text: text, reason: "larger than UInt64")
        }
        return value
    }

    /// Checks a quantity of any width and returns it in canonical form (lowercase, no leading zeros).
    public static func normalizeQuantity(_ text: String) throws(HexTextError) -> String {
        "0x" + (try quantityDigits(text))
    }

    /// Turns a 32-byte ABI word (or any big-endian data) into a canonical quantity.
    public static func quantity(fromData bytes: some Collection<UInt8>) -> String {
        let significant = bytes.drop(while: { $0 == 0 })
        guard let first = significant.first else { return "0x0" }
        var out = "0x" + String(first, radix: 16)
        for byte in significant.dropFirst() { out += digitPair(byte) }
        return out
    }

    /// `0x`-data of raw bytes.
    public static func data(_ bytes: some Sequence<UInt8>) -> String { encode(bytes) }

    /// Parses `0x`-data (an even number of digits; `0x` alone is empty data).
    public static func parseData(_ text: String) throws(HexTextError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") || utf8[1] == UInt8(ascii: "X")
        else { throw HexTextError(text: text, reason: "missing 0x prefix") }
        guard utf8.count % 2 == 0 else { throw HexTextError(text: text, reason: "odd number of hex digits") }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2 - 1)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw HexTextError(text: text, reason: "non-hex digit at \(index)")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// The 32-byte ABI word at `index` of returned data, as bytes; throws when the data is too short.
    public static func word(_ index: Int, of data: [UInt8]) throws(HexTextError) -> ArraySlice<UInt8> {
        let start = index * 32
        guard index >= 0, start + 32 <= data.count else {
            throw HexTextError(text: Hex.data(data.prefix(40)), reason: "no word \(index) in \(data.count) bytes")
        }
        return data[start..<start + 32]
    }

    private static func digitPair(_ byte: UInt8) -> String { encode(CollectionOfOne(byte), prefix: false) }

    private static func quantityDigits(_ text: String) throws(HexTextError) -> String {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { throw HexTextError(text: text, reason: "missing 0x prefix") }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty else { throw HexTextError(text: text, reason: "no digits (zero is 0x0)") }
        guard digits.utf8.allSatisfy({ nibble($0) != nil }) else { throw HexTextError(text: text, reason: "non-hex digit") }
        // The spec forbids leading zeros, but some nodes send them; the value is still unambiguous.
        let significant = digits.drop(while: { $0 == "0" })
        return significant.isEmpty ? "0" : significant.lowercased()
    }
}
