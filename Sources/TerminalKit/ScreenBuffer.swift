/// A grid of cells the size of the screen. Widgets draw into it; `diff` tells a backend what changed.
public struct ScreenBuffer: Hashable, Sendable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.width * size.height)
    }

    public var area: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Sets one cell if it is on screen, keeping wide graphemes whole.
    public mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard contains(x: x, y: y) else { return }
        clearWideNeighbours(x: x, y: y)
        if cell.width == 2 {
            guard x + 1 < size.width else { self[x, y] = Cell(" ", style: cell.style); return }
            clearWideNeighbours(x: x + 1, y: y)
            self[x + 1, y] = .continuation(cell.style)
        }
        self[x, y] = cell
    }

    private mutating func clearWideNeighbours(x: Int, y: Int) {
        let old = self[x, y]
        if old.isContinuation, x > 0 { self[x - 1, y] = Cell(" ", style: self[x - 1, y].style) }
        if old.width == 2, x + 1 < size.width { self[x + 1, y] = Cell(" ", style: self[x + 1, y].style) }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and the screen; returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.width - x)
        if x >= 0, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            // Printable ASCII, the common case: one cell per byte, no grapheme breaking.
            var used = 0
            let row = y * size.width + x
            for byte in text.utf8 {
                guard used < limit else { break }
                let cell = Cell(symbol: Character(Unicode.Scalar(byte)), style: style, width: 1)
                if cells[row + used].width == 1 && (x + used == 0 || cells[row + used - 1].width != 2) {
                    cells[row + used] = cell
                } else {
                    set(x: x + used, y: y, cell)
                }
                used += 1
            }
            return used
        }
        var used = 0
        for ch in text {
            if ch == "\n" || ch == "\r" || ch == "\t" { continue }
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if used + w > limit { break }
            set(x: x + used, y: y, Cell(symbol: ch, style: style, width: UInt8(w)))
            used += w
        }
        return used
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) { self[x, y] = cell }
        }
    }

    /// Applies `style` over a rectangle, keeping the symbols.
    public mutating func restyle(_ rect: Rect, _ style: Style) {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) { self[x, y].style = style }
        }
    }

    /// The screen as text, one string per row, trailing spaces kept: what snapshot tests compare.
    public var lines: [String] {
        (0..<size.height).map { y in
            var line = ""
            for x in 0..<size.width where !self[x, y].isContinuation { line.append(self[x, y].symbol) }
            return line
        }
    }

    /// Rows joined with newlines, trailing spaces removed.
    public var text: String {
        lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }
}
