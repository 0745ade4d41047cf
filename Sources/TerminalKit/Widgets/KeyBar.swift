/// The bottom line of key hints: `s Start  x Stop  ? Help`, as many as fit.
public struct KeyBar: Sendable {
    public var hints: [(key: String, label: String)]

    public init(_ hints: [(key: String, label: String)]) { self.hints = hints }

    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: Cell(" ", style: theme[.keyBar]))
        var x = area.x
        for hint in hints {
            let need = hint.key.displayWidth + 1 + hint.label.displayWidth + 2
            if x + need - 2 > area.maxX { break }
            x += buffer.put(hint.key, x: x, y: area.y, style: theme.style(.keyHint, over: theme[.keyBar]))
            x += 1
            x += buffer.put(hint.label, x: x, y: area.y, style: theme[.keyBar])
            x += 2
        }
    }
}
