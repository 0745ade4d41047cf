/// Exact text conversions for `UInt256`: decimal, hexadecimal and token units.
///
/// Nothing here goes through `Double` or `Decimal`: an amount read from a config file or a command
/// line must become exactly the base units the operator meant, or fail with an error saying why.
extension UInt256 {
    /// Parses decimal digits (underscores allowed as separators: `1_000_000`).
    public init(decimal text: String) throws {
        let digits = text.utf8.filter { $0 != UInt8(ascii: "_") }
        guard !digits.isEmpty else { throw NumberFormatError.empty(text) }
        var value = UInt256.zero
        for c in digits {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { throw NumberFormatError.invalidDigit(text) }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt256(UInt64(c - UInt8(ascii: "0"))))
            guard !o1 && !o2 else { throw NumberFormatError.overflow(text) }
            value = sum
        }
        self = value
    }

    /// Parses hexadecimal digits with or without `0x` (an empty `0x` is zero, as JSON-RPC allows).
    public init(hex text: String) throws {
        var utf8 = Substring(text).utf8[...]
        if utf8.starts(with: "0x".utf8) || utf8.starts(with: "0X".utf8) { utf8 = utf8.dropFirst(2) }
        var value = UInt256.zero
        for c in utf8 {
            guard let nibble = Hex.nibble(c) else { throw NumberFormatError.invalidDigit(text) }
            guard value.w3 >> 60 == 0 else { throw NumberFormatError.overflow(text) }
            value = (value << 4) | UInt256(UInt64(nibble))
        }
        self = value
    }

    /// Decimal digits, no separators.
    public var decimalString: String {
        if isZero { return "0" }
        var chunks: [UInt64] = []
        var rest = self
        // 10^19 is the largest power of ten below 2^64: peel 19 digits per division.
        while !rest.isZero {
            let (q, r) = rest.quotientAndRemainder(dividingBy: UInt64(10_000_000_000_000_000_000))
            chunks.append(r)
            rest = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 19 - part.count) + part
        }
        return text
    }

    /// `0x`-prefixed minimal hex, as JSON-RPC quantities are written (`0x0` for zero).
    public var hexString: String {
        if isZero { return "0x0" }
        let bytes = minimalBigEndianBytes
        var text = Hex.encode(bytes, prefix: false)
        if text.first == "0" { text.removeFirst() }
        return "0x" + text
    }

    /// Converts a token amount written in whole units (`"1.5"`) to base units (`1500000` at 6 decimals).
    ///
    /// More fractional digits than `decimals` is an error, not a rounding: `"0.0000001"` USDC is not
    /// an amount anyone can send.
    public init(tokenAmount text: String, decimals: Int) throws {
        guard decimals >= 0, let scale = UInt256.powerOfTen(decimals) else {
            throw NumberFormatError.unsupportedDecimals(decimals)
        }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty) else { throw NumberFormatError.empty(text) }
        if parts.count > 1 && fraction.isEmpty { throw NumberFormatError.invalidDigit(text) }
        while fraction.count > decimals && fraction.last == "0" { fraction.removeLast() }
        guard fraction.count <= decimals else { throw NumberFormatError.tooManyDecimals(text, decimals: decimals) }
        let wholeValue = whole.isEmpty ? UInt256.zero : try UInt256(decimal: whole)
        let padded = fraction + String(repeating: "0", count: decimals - fraction.count)
        let fractionValue = padded.isEmpty ? UInt256.zero : try UInt256(decimal: padded)
        let (scaled, o1) = wholeValue.multipliedReportingOverflow(by: scale)
        let (sum, o2) = scaled.addingReportingOverflow(fractionValue)
        guard !o1 && !o2 else { throw NumberFormatError.overflow(text) }
        self = sum
    }

    /// Formats base units as whole token units without trailing zeros (`1500000` at 6 → `"1.5"`).
    public func tokenString(decimals: Int) -> String {
        let digits = decimalString
        guard decimals > 0 else { return digits }
        let padded = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        var fraction = padded[split...]
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? String(padded[..<split]) : "\(padded[..<split]).\(fraction)"
    }
}

/// Why a number could not be read. The offending text is quoted so the operator can find it.
public enum NumberFormatError: Error, Equatable, CustomStringConvertible {
    case empty(String)
    case invalidDigit(String)
    case overflow(String)
    case tooManyDecimals(String, decimals: Int)
    case unsupportedDecimals(Int)

    public var description: String {
        switch self {
        case .empty(let t): return "expected a number, got \"\(t)\""
        case .invalidDigit(let t): return "\"\(t)\" is not a valid number"
        case .overflow(let t): return "\"\(t)\" does not fit in 256 bits"
        case .tooManyDecimals(let t, let d): return "\"\(t)\" has more than \(d) decimal places"
        case .unsupportedDecimals(let d): return "unsupported number of decimals: \(d)"
        }
    }
}
