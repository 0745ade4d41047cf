/// A bordered box with a title on the top edge and an optional note on the right of it.
public struct Pane: Sendable {
    public var title: String
    public var note: String?
    public var focused: Bool

    public init(title: String, note: String? = nil, focused: Bool = false) {
        self.title = title
        self.note = note
        self.focused = focused
    }

    /// Draws the border and titles; returns the area inside the border.
    @discardableResult
    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme, noteStyle: Style? = nil) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let border = theme[focused ? .borderFocused : .border]
        buffer.put(String(Glyphs.topLeft), x: area.x, y: area.y, style: border)
        buffer.put(String(Glyphs.topRight), x: area.maxX - 1, y: area.y, style: border)
        buffer.put(String(Glyphs.bottomLeft), x: area.x, y: area.maxY - 1, style: border)
        buffer.put(String(Glyphs.bottomRight), x: area.maxX - 1, y: area.maxY - 1, style: border)
        let bar = String(repeating: Glyphs.horizontal, count: area.width - 2)
        buffer.put(bar, x: area.x + 1, y: area.y, style: border)
        buffer.put(bar, x: area.x + 1, y: area.maxY - 1, style: border)
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer.put(String(Glyphs.vertical), x: area.x, y: y, style: border)
            buffer.put(String(Glyphs.vertical), x: area.maxX - 1, y: y, style: border)
        }
        let room = area.width - 4
        guard room > 0 else { return area.inset(1) }
        var used = 0
        if !title.isEmpty {
            used = buffer.put(" \(title) ".truncated(to: room), x: area.x + 1, y: area.y,
                              style: theme[focused ? .titleFocused : .title])
        }
        if let note, !note.isEmpty, room - used > 4 {
            let text = " \(note) ".truncated(to: room - used - 1)
            buffer.put(text, x: area.maxX - 1 - text.displayWidth, y: area.y, style: noteStyle ?? theme[.muted])
        }
        return area.inset(1)
    }
}
