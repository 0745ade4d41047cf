/// Text that came from outside the engine (a node's error message, a revert reason, a token or
/// vault name) made safe to keep and to show.
///
/// `bounded` keeps stored rows and events a sane size whatever a node sends; `printable` keeps a
/// terminal from obeying what it prints: no escape sequences (ESC, CSI as C1), no other C0/C1
/// controls or DEL, and no bidirectional overrides that make text read differently than it is.
public enum UntrustedText {
    /// Appended where text was cut.
    public static let cutMarker = "…(cut)"

    /// At most `limit` Unicode scalars of `s`, then `cutMarker`. Counted in scalars, not characters:
    /// one character can hold any number of combining scalars.
    public static func bounded(_ s: String, limit: Int = 500) -> String {
        let scalars = s.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: max(0, limit), limitedBy: scalars.endIndex),
              end != scalars.endIndex else { return s }
        return String(scalars[..<end]) + cutMarker
    }

    /// `s` with every control character replaced by `�` (U+FFFD) and every bidirectional control
    /// removed. Tabs become a space, and so do line breaks unless `keepingNewlines` (then `\r\n`
    /// and `\r` become `\n`).
    public static func printable(_ s: String, keepingNewlines: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: needsCare) else { return s }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in s.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\n" where keepingNewlines:
                if !previousWasCR { out.append("\n") }
            case "\r" where keepingNewlines:
                out.append("\n")
            case "\n" where previousWasCR:
                continue
            case "\t", "\n", "\r":
                out.append(" ")
            case _ where isBidiControl(scalar):
                continue
            case _ where isControl(scalar):
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F, where U+009B is a one-byte CSI).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder what
    /// follows them on screen ("Trojan Source").
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    private static func needsCare(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) || isBidiControl(scalar) }
}
