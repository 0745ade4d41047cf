/// A bar with a label, e.g. `███░░ 3/5` or `██░░░ $12.40/$50`. Full or over: warning style.
public struct Gauge: Sendable {
    public var ratio: Double
    public var label: String

    public init(ratio: Double, label: String) {
        self.ratio = ratio.isFinite ? ratio : 0
        self.label = label
    }

    public func render(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, theme: Theme) {
        guard width > 0 else { return }
        let barWidth = max(0, min(12, width - label.displayWidth - 1))
        let filled = min(barWidth, Int((max(0, ratio) * Double(barWidth)).rounded()))
        let fillStyle = ratio >= 1 ? theme[.warning] : theme[.gaugeFill]
        if barWidth > 0 {
            buffer.put(String(repeating: Glyphs.full, count: filled), x: x, y: y, style: fillStyle)
            buffer.put(String(repeating: Glyphs.light, count: barWidth - filled), x: x + filled, y: y, style: theme[.gaugeEmpty])
        }
        let lx = barWidth > 0 ? x + barWidth + 1 : x
        buffer.put(label, x: lx, y: y, style: ratio >= 1 ? theme[.warning] : theme[.text], maxWidth: width - (lx - x))
    }
}
