/// A column of a table: a title, a width (fixed, or a share of what fixed columns leave) and alignment.
public struct TableColumn: Sendable {
    public enum Width: Sendable { case fixed(Int), flex(Int) }

    public var title: String
    public var width: Width
    public var alignRight: Bool

    public init(_ title: String, _ width: Width, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}

/// A row: its cell texts, an optional row style and optional per-cell styles.
public struct TableRow: Sendable {
    public var cells: [String]
    public var style: Style?
    public var cellStyles: [Int: Style]

    public init(_ cells: [String], style: Style? = nil, cellStyles: [Int: Style] = [:]) {
        self.cells = cells
        self.style = style
        self.cellStyles = cellStyles
    }
}

/// A table with a header, a selected row that stays in view, and a sort indicator on one column.
/// Only visible rows are asked for, so a table of 10,000 rows costs what a screenful costs.
public struct Table {
    public var columns: [TableColumn]
    public var rowCount: Int
    public var row: (Int) -> TableRow
    public var selected: Int?
    public var sortColumn: Int?
    public var ascending: Bool
    public var showSelection: Bool
    /// Without a header every line is a row (for very small panes).
    public var showHeader: Bool

    public init(columns: [TableColumn], rowCount: Int, selected: Int? = nil, sortColumn: Int? = nil,
                ascending: Bool = true, showSelection: Bool = true, showHeader: Bool = true, row: @escaping (Int) -> TableRow) {
        self.showHeader = showHeader
        self.columns = columns
        self.rowCount = rowCount
        self.row = row
        self.selected = selected
        self.sortColumn = sortColumn
        self.ascending = ascending
        self.showSelection = showSelection
    }

    /// Widths of the columns in `width` cells, one space between columns; columns that do not fit get 0.
    public func columnWidths(_ width: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.reduce(0) { if case .fixed(let w) = $1.width { $0 + w } else { $0 } }
        let shares = columns.reduce(0) { if case .flex(let s) = $1.width { $0 + s } else { $0 } }
        var free = max(0, width - fixed - gaps)
        var widths = columns.map { col -> Int in
            switch col.width {
            case .fixed(let w): return w
            case .flex(let s): return shares > 0 ? free * s / shares : 0
            }
        }
        free -= widths.enumerated().reduce(0) { if case .flex = columns[$1.offset].width { $0 + $1.element } else { $0 } }
        if let i = columns.firstIndex(where: { if case .flex = $0.width { true } else { false } }) { widths[i] += max(0, free) }
        // Drop columns from the right until the rest fit.
        var total = widths.reduce(0, +) + gaps
        var last = widths.count - 1
        while total > width && last > 0 {
            total -= widths[last] + 1
            widths[last] = 0
            last -= 1
        }
        if total > width, !widths.isEmpty { widths[0] = max(0, widths[0] - (total - width)) }
        return widths
    }

    /// The first row shown so that `selected` is visible in `visibleRows`.
    public static func scrollOffset(selected: Int?, rowCount: Int, visibleRows: Int, previous: Int = 0) -> Int {
        guard visibleRows > 0, rowCount > visibleRows else { return 0 }
        guard let selected else { return min(previous, rowCount - visibleRows) }
        if selected < previous { return selected }
        if selected >= previous + visibleRows { return selected - visibleRows + 1 }
        return min(previous, rowCount - visibleRows)
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme, scroll: Int? = nil) {
        guard !area.isEmpty else { return }
        let widths = columnWidths(area.width)
        var x = area.x
        for (i, col) in columns.enumerated() where widths[i] > 0 && showHeader {
            var title = col.title
            if sortColumn == i { title += String(ascending ? Glyphs.up : Glyphs.down) }
            buffer.put(title.padded(to: widths[i], right: col.alignRight), x: x, y: area.y, style: theme[.header])
            x += widths[i] + 1
        }
        let top = showHeader ? 1 : 0
        let visible = area.height - top
        guard visible > 0 else { return }
        let offset = scroll ?? Self.scrollOffset(selected: selected, rowCount: rowCount, visibleRows: visible)
        for line in 0..<min(visible, max(0, rowCount - offset)) {
            let index = offset + line
            let data = row(index)
            let isSelected = showSelection && index == selected
            let base = isSelected ? theme[.selected] : (data.style ?? theme[.text])
            let y = area.y + top + line
            buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: base))
            var cx = area.x
            for (i, col) in columns.enumerated() where widths[i] > 0 {
                let text = i < data.cells.count ? data.cells[i] : ""
                let style = isSelected ? base : (data.cellStyles[i] ?? base)
                buffer.put(text.padded(to: widths[i], right: col.alignRight), x: cx, y: y, style: style)
                cx += widths[i] + 1
            }
        }
        if rowCount > visible, showHeader {
            // "6-8/10" at the header's right end, only over blank header space.
            let marker = "\(offset + 1)-\(min(rowCount, offset + visible))/\(rowCount)"
            let mx = area.maxX - marker.count
            if mx > area.x, (mx - 1..<area.maxX).allSatisfy({ buffer.contains(x: $0, y: area.y) && buffer[$0, area.y].symbol == " " }) {
                buffer.put(marker, x: mx, y: area.y, style: theme[.muted])
            }
        }
    }
}
