/// One terminal cell: a grapheme and its style. A wide grapheme occupies its cell and the next, which
/// holds `Cell.continuation` so the diff and backends know not to draw there.
public struct Cell: Hashable, Sendable {
    public var symbol: Character
    public var style: Style
    /// 1, 2 for a wide grapheme, 0 for the right half of a wide grapheme.
    public var width: UInt8

    public init(_ symbol: Character = " ", style: Style = .plain) {
        self.symbol = symbol
        self.style = style
        self.width = UInt8(clamping: max(1, DisplayWidth.of(symbol)))
    }

    init(symbol: Character, style: Style, width: UInt8) {
        self.symbol = symbol
        self.style = style
        self.width = width
    }

    public static let blank = Cell()
    public static func continuation(_ style: Style) -> Cell { Cell(symbol: " ", style: style, width: 0) }

    public var isContinuation: Bool { width == 0 }
}
