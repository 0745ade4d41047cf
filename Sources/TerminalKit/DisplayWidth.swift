/// How many terminal columns text takes: 2 for East Asian wide and most emoji, 0 for combining marks
/// and controls, 1 otherwise. A table of ranges, so the answer does not depend on the C library's locale.
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        guard let first = character.unicodeScalars.first else { return 0 }
        // A grapheme is as wide as its base scalar; an emoji presentation selector makes it wide.
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return of(first)
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if isZeroWidth(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    public static func of(_ text: some StringProtocol) -> Int {
        // Most screen text is printable ASCII: count bytes without breaking graphemes.
        var printable = true
        for byte in text.utf8 where byte >= 0x7F || byte < 0x20 {
            printable = false
            break
        }
        return printable ? text.utf8.count : text.reduce(0) { $0 + of($1) }
    }

    /// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) count here: zero width,
    /// so the screen buffer drops them and text from a node cannot reorder what follows on screen.
    static func isZeroWidth(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x200B...0x200F).contains(v) || (0x20D0...0x20FF).contains(v)
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || (0xFE00...0xFE0F).contains(v) || (0xFE20...0xFE2F).contains(v) || v == 0x2060 || v == 0xFEFF
    }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251,
        0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ v: UInt32) -> Bool {
        guard v >= 0x1100 else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let r = wideRanges[mid]
            if v < r.lowerBound { high = mid - 1 } else if v > r.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }
}

extension String {
    /// Columns this string takes in a terminal.
    public var displayWidth: Int { DisplayWidth.of(self) }

    /// The longest prefix that fits in `width` columns, with `…` when cut (and room for it).
    public func truncated(to width: Int) -> String {
        guard width > 0 else { return "" }
        if displayWidth <= width { return self }
        var out = ""
        var used = 0
        for ch in self {
            let w = DisplayWidth.of(ch)
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// Padded with spaces (or cut) to exactly `width` columns; `right` aligns to the right.
    public func padded(to width: Int, right: Bool = false) -> String {
        let own = displayWidth
        let cut = own <= width ? self : truncated(to: width)
        let used = own <= width ? own : cut.displayWidth
        guard used < width else { return cut }
        let gap = String(repeating: " ", count: width - used)
        return right ? gap + cut : cut + gap
    }
}
