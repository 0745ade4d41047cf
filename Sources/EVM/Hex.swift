/// Hex text ⇄ bytes, the way Ethereum tools write them (`0x` prefix optional on input).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, `0x`-prefixed unless `prefix` is false.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        var out: [UInt8] = prefix ? [UInt8(ascii: "0"), UInt8(ascii: "x")] : []
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex with or without `0x`; surrounding whitespace is ignored, odd lengths are errors.
    public static func decode(_ text: String) throws -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        while let c = utf8.first, isSpace(c) { utf8 = utf8.dropFirst() }
        while let c = utf8.last, isSpace(c) { utf8 = utf8.dropLast() }
        if utf8.starts(with: "0x".utf8) || utf8.starts(with: "0X".utf8) { utf8 = utf8.dropFirst(2) }
        guard utf8.count % 2 == 0 else { throw HexError.oddLength(utf8.count) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var iterator = utf8.makeIterator()
        var offset = 0
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { throw HexError.invalidCharacter(offset: offset) }
            out.append(h << 4 | l)
            offset += 2
        }
        return out
    }

    /// The value of one hex digit (either case), nil for any other byte.
    @inline(__always)
    public static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
    }
}

/// Malformed hex text. Positions only, never the text itself: it may be a private key.
public enum HexError: Error, Equatable, CustomStringConvertible {
    case oddLength(Int)
    case invalidCharacter(offset: Int)

    public var description: String {
        switch self {
        case .oddLength(let n): return "hex text has an odd number of digits (\(n))"
        case .invalidCharacter(let o): return "invalid hex character at digit \(o)"
        }
    }
}
