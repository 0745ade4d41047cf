import EVM

/// A raw private key in a file (`mammon wallet import`): 64 hex digits, read like a keystore (mode 600,
/// a regular file). Errors never echo the content.
public enum PrivateKeyFile {
    public static func read(_ path: String) throws -> SecretBytes {
        try parse(SecretFile.read(path, kind: "private key file"))
    }

    /// 64 hex digits, optional 0x, surrounding whitespace ignored. Errors never echo the content.
    public static func parse(_ contents: SecretBytes) throws -> SecretBytes {
        try contents.withUnsafeBytes { text in
            var digits = text[...]
            while let c = digits.first, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { digits = digits.dropFirst() }
            while let c = digits.last, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { digits = digits.dropLast() }
            if digits.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "x")]) { digits = digits.dropFirst(2) }
            guard digits.count == 64 else { throw UsageError("the private key file must hold exactly 64 hex digits") }
            let start = digits.startIndex
            return try SecretBytes(count: 32) { key in
                for i in 0..<32 {
                    guard let high = nibble(digits[start + 2 * i]), let low = nibble(digits[start + 2 * i + 1]) else {
                        throw UsageError("the private key file must hold only hex digits")
                    }
                    key[i] = high << 4 | low
                }
            }
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
