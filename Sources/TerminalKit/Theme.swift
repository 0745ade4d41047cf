/// What a piece of the screen is, so a theme can colour it. Theme files name these roles.
public enum ThemeRole: String, CaseIterable, Sendable {
    case text, muted, accent, ok, warning, error
    case border, borderFocused = "border-focused", title, titleFocused = "title-focused"
    case header, selected, stale
    case statusBar = "status-bar", keyBar = "key-bar", keyHint = "key-hint"
    case tabActive = "tab-active", tabInactive = "tab-inactive"
    case dialog, dialogBorder = "dialog-border", danger, button, buttonSelected = "button-selected"
    case gaugeFill = "gauge-fill", gaugeEmpty = "gauge-empty", sparkline
}

/// A named set of styles, one per role. Roles a theme does not set use `text`; a role's `default`
/// colours are `text`'s, so a theme with a background (light) paints every cell with it.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]

    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(role: ThemeRole) -> Style {
        let text = styles[.text] ?? .plain
        guard role != .text, let own = styles[role] else { return text }
        return Style(fg: own.fg == .default ? text.fg : own.fg, bg: own.bg == .default ? text.bg : own.bg, own.attributes)
    }

    /// `role` drawn over `base` (a bar, a dialog): the role's own colours where it sets them, the
    /// base's elsewhere, both attribute sets.
    public func style(_ role: ThemeRole, over base: Style) -> Style {
        guard let own = styles[role] else { return base }
        return base.patched(with: own)
    }

    /// The theme for terminals without colours and for `NO_COLOR`: attributes only.
    public var withoutColors: Theme {
        Theme(name: name, styles: styles.mapValues { Style(fg: .default, bg: .default, $0.attributes) })
    }
}
