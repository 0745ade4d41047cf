/// Line-drawing and status symbols. Widgets draw with Unicode; a backend on a terminal whose locale is
/// not UTF-8 passes every cell through `asciiFallback`.
public enum Glyphs {
    public static let horizontal: Character = "─", vertical: Character = "│"
    public static let topLeft: Character = "┌", topRight: Character = "┐"
    public static let bottomLeft: Character = "└", bottomRight: Character = "┘"
    public static let check: Character = "✓", cross: Character = "✗", bullet: Character = "●"
    public static let running: Character = "◐", pending: Character = "○"
    public static let up: Character = "▲", down: Character = "▼"
    public static let full: Character = "█", light: Character = "░"
    public static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static let ascii: [Character: Character] = [
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+",
        "┼": "+", "═": "=", "║": "|", "╔": "+", "╗": "+", "╚": "+", "╝": "+",
        "✓": "v", "✗": "x", "●": "*", "◐": "~", "○": "o", "▲": "^", "▼": "v", "█": "#", "░": ".",
        "▁": "_", "▂": "_", "▃": "-", "▄": "-", "▅": "=", "▆": "=", "▇": "#", "→": ">", "←": "<",
        "↑": "^", "↓": "v", "…": "~", "Δ": "d", "×": "x", "·": ".", "—": "-", "–": "-", "≥": ">", "≤": "<",
        "⚠": "!", "•": "*",
    ]

    /// An ASCII stand-in for a character a non-UTF-8 terminal cannot show.
    public static func asciiFallback(_ ch: Character) -> Character {
        if ch.isASCII { return ch }
        // Braille chart dots: a mark where any dot is set.
        if let v = ch.unicodeScalars.first?.value, (0x2800...0x28FF).contains(v) { return v == 0x2800 ? " " : "*" }
        return ascii[ch] ?? "?"
    }
}
