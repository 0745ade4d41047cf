/// A line chart drawn in braille dots (2 × 4 per cell), with the y axis labelled at its top, middle
/// and bottom and the x axis labelled at its ends. Several series share the axes; each is drawn in
/// its own style (a cell two series cross shows the later one's). A flat series is a flat line.
public struct LineChart: Sendable {
    public struct Point: Hashable, Sendable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public struct Series: Sendable {
        public var label: String
        public var points: [Point]
        public var style: Style
        public init(label: String, points: [Point], style: Style) {
            self.label = label
            self.points = points
            self.style = style
        }
    }

    public var series: [Series]
    /// Under the x axis: the first at its left end, the last at its right end, any others between.
    public var xLabels: [String]
    public var formatY: @Sendable (Double) -> String
    /// A legend line above the plot naming each series in its style.
    public var showLegend: Bool

    public init(series: [Series], xLabels: [String] = [], showLegend: Bool = false, formatY: @escaping @Sendable (Double) -> String) {
        self.series = series
        self.xLabels = xLabels
        self.showLegend = showLegend
        self.formatY = formatY
    }

    /// Bits of the braille dot at column `c` (0, 1) and row `r` (0–3) of a cell.
    static func dot(_ c: Int, _ r: Int) -> UInt32 {
        c == 0 ? [0x01, 0x02, 0x04, 0x40][r] : [0x08, 0x10, 0x20, 0x80][r]
    }

    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let legendRows = showLegend ? 1 : 0
        let plotHeight = area.height - legendRows - 2
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        guard plotHeight >= 1, area.width >= 10 else { return }
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              var yMin = all.map(\.y).min(), var yMax = all.map(\.y).max() else {
            buffer.put("no data yet", x: area.x, y: area.y + legendRows, style: theme[.muted], maxWidth: area.width)
            return
        }
        if yMax - yMin < 1e-12 {
            let pad = Swift.max(abs(yMax) * 0.01, 0.01)
            yMin -= pad
            yMax += pad
        }
        if showLegend {
            var x = area.x
            for s in series where x < area.maxX {
                x += buffer.put("● ", x: x, y: area.y, style: s.style, maxWidth: area.maxX - x)
                x += buffer.put(s.label + "  ", x: x, y: area.y, style: theme[.text], maxWidth: area.maxX - x)
            }
        }
        let top = area.y + legendRows
        // The y labels: top, bottom, and the middle when there is room.
        var labels: [(row: Int, text: String)] = [(0, formatY(yMax)), (plotHeight - 1, formatY(yMin))]
        if plotHeight >= 5 { labels.append((plotHeight / 2, formatY(yMin + (yMax - yMin) * Double(plotHeight - 1 - plotHeight / 2) / Double(plotHeight - 1)))) }
        if plotHeight == 1 { labels = [(0, formatY(yMax))] }
        let labelWidth = Swift.min(labels.map(\.text.displayWidth).max() ?? 0, area.width / 3)
        let axisX = area.x + labelWidth
        let plotX = axisX + 1
        let plotWidth = area.maxX - plotX
        guard plotWidth >= 2 else { return }
        let axis = theme[.muted]
        for row in 0..<plotHeight {
            let label = labels.first { $0.row == row }
            if let label { buffer.put(label.text.padded(to: labelWidth, right: true), x: area.x, y: top + row, style: axis, maxWidth: labelWidth) }
            buffer.put(label == nil ? "│" : "┤", x: axisX, y: top + row, style: axis)
        }
        buffer.put("└" + String(repeating: "─", count: plotWidth), x: axisX, y: top + plotHeight, style: axis)
        drawXLabels(into: &buffer, x: plotX, y: top + plotHeight + 1, width: plotWidth, style: axis)

        // Dots: columns 0..<2w, rows 0..<4h from the top.
        let dotsWide = plotWidth * 2, dotsHigh = plotHeight * 4
        var bits = [UInt32](repeating: 0, count: plotWidth * plotHeight)
        var owner = [Int](repeating: -1, count: plotWidth * plotHeight)
        func plot(_ c: Int, _ r: Int, _ s: Int) {
            guard c >= 0, c < dotsWide, r >= 0, r < dotsHigh else { return }
            let cell = (r / 4) * plotWidth + c / 2
            bits[cell] |= Self.dot(c % 2, r % 4)
            owner[cell] = s
        }
        func column(_ x: Double) -> Int {
            xMax > xMin ? Int(((x - xMin) / (xMax - xMin) * Double(dotsWide - 1)).rounded()) : 0
        }
        func row(_ y: Double) -> Int { Int(((yMax - y) / (yMax - yMin) * Double(dotsHigh - 1)).rounded()) }
        for (s, one) in series.enumerated() {
            let points = one.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (column($0.x), row($0.y)) }
            guard var previous = points.first else { continue }
            plot(previous.0, previous.1, s)
            for next in points.dropFirst() {
                line(from: previous, to: next) { plot($0, $1, s) }
                previous = next
            }
        }
        for cell in bits.indices where bits[cell] != 0 {
            let ch = Character(Unicode.Scalar(0x2800 + bits[cell])!)
            buffer.put(String(ch), x: plotX + cell % plotWidth, y: top + cell / plotWidth, style: series[owner[cell]].style)
        }
    }

    private func drawXLabels(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style) {
        guard let first = xLabels.first else { return }
        buffer.put(first, x: x, y: y, style: style, maxWidth: width)
        guard xLabels.count > 1, let last = xLabels.last else { return }
        let lastX = x + width - last.displayWidth
        if lastX > x + first.displayWidth { buffer.put(last, x: lastX, y: y, style: style) }
        for (i, label) in xLabels.enumerated().dropFirst().dropLast() {
            let at = x + width * i / (xLabels.count - 1) - label.displayWidth / 2
            if at > x + first.displayWidth, at + label.displayWidth < lastX { buffer.put(label, x: at, y: y, style: style) }
        }
    }

    /// Bresenham's line between two dots, both ends included.
    private func line(from a: (Int, Int), to b: (Int, Int), _ plot: (Int, Int) -> Void) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var err = dx + dy
        while true {
            plot(x, y)
            if x == b.0 && y == b.1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}
