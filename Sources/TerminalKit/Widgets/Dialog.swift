/// A centred modal box: a title, lines of styled text, and buttons with one selected.
public struct Dialog: Sendable {
    public struct Line: Sendable {
        public var text: String
        public var role: ThemeRole

        public init(_ text: String, _ role: ThemeRole = .dialog) {
            self.text = text
            self.role = role
        }
    }

    public var title: String
    public var lines: [Line]
    public var buttons: [String]
    public var selectedButton: Int
    public var danger: Bool

    public init(title: String, lines: [Line], buttons: [String] = [], selectedButton: Int = 0, danger: Bool = false) {
        self.title = title
        self.lines = lines
        self.buttons = buttons
        self.selectedButton = selectedButton
        self.danger = danger
    }

    /// The box for `area`: as wide as the content allows, centred, never larger than `area`.
    public func frame(in area: Rect) -> Rect {
        let content = max(title.displayWidth + 4, lines.map(\.text.displayWidth).max() ?? 0, buttonsWidth)
        let width = min(area.width, content + 4)
        let height = min(area.height, lines.count + (buttons.isEmpty ? 2 : 4))
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
    }

    var buttonsWidth: Int { buttons.reduce(0) { $0 + $1.displayWidth + 5 } }

    public func render(into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let box = frame(in: area)
        guard box.width >= 4, box.height >= 3 else { return }
        buffer.fill(box, with: Cell(" ", style: theme[.dialog]))
        let borderTheme = Theme(name: theme.name, styles: theme.styles.merging(
            [.border: theme[danger ? .danger : .dialogBorder], .title: theme[danger ? .danger : .dialogBorder].adding(.bold)],
            uniquingKeysWith: { $1 }))
        let inner = Pane(title: title).render(into: &buffer, area: box, theme: borderTheme)
        let textRows = buttons.isEmpty ? inner.height : max(0, inner.height - 2)
        for (i, line) in lines.prefix(textRows).enumerated() {
            buffer.put(line.text, x: inner.x + 1, y: inner.y + i, style: theme.style(line.role, over: theme[.dialog]),
                       maxWidth: inner.width - 2)
        }
        if lines.count > textRows, textRows > 0 {
            buffer.put("…", x: inner.x + 1, y: inner.y + textRows - 1, style: theme[.muted])
        }
        guard !buttons.isEmpty, inner.height >= 1 else { return }
        var x = inner.x + max(1, (inner.width - buttonsWidth) / 2)
        let y = inner.maxY - 1
        for (i, label) in buttons.enumerated() {
            let text = i == selectedButton ? "[ \(label) ]" : "  \(label)  "
            x += buffer.put(text, x: x, y: y, style: theme[i == selectedButton ? .buttonSelected : .button],
                            maxWidth: inner.maxX - x) + 1
        }
    }
}
