import TerminalKit

/// What a key asks for on the dashboard. Dialogs read their own keys (see `Keymap.dialogHelp`).
public enum ConsoleCommand: Hashable, Sendable {
    case start, stop, runOnce, approve, decline, details
    case nextPane, previousPane, focus(PaneID)
    case up, down, pageUp, pageDown, top, bottom
    case filter, help, quit, emergencyStop, resume, toggleLog, sortNext, sortReverse
    case cancelTransaction
    case togglePortfolio, chartWindow
}

/// One binding: the keys, a short label for the key bar (nil: not on the bar), and the help text.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: ConsoleCommand
    public var label: String?
    public var help: String
    public var section: String

    public init(_ keys: [Key], _ command: ConsoleCommand, label: String? = nil, help: String, section: String) {
        self.keys = keys
        self.command = command
        self.label = label
        self.help = help
        self.section = section
    }

    /// "j ↓" as shown in the help overlay.
    public var keyText: String { keys.map(\.description).joined(separator: " ") }
}

/// The single table of keys: the reducer dispatches through it and the help overlay and key bar are
/// generated from it, so they cannot disagree. The focus keys are made from the pane registry: one
/// number for each focusable pane, in its order.
public struct Keymap: Sendable {
    public let bindings: [KeyBinding]

    /// The keys of the standard panes.
    public static var standard: Keymap { PaneRegistry.standard.keymap }

    init(focusable panes: [(id: PaneID, title: String)]) {
        let focus = panes.prefix(9).enumerated().map { n, pane in
            KeyBinding([.char(Character("\(n + 1)"))], .focus(pane.id), help: "focus \(pane.title)", section: "View")
        }
        bindings = Self.beforeFocus + focus + Self.afterFocus
    }

    static let beforeFocus: [KeyBinding] = [
        KeyBinding([.char("s")], .start, label: "Start", help: "start the scheduler", section: "Engine"),
        KeyBinding([.char("x")], .stop, label: "Stop", help: "stop the scheduler (asks first)", section: "Engine"),
        KeyBinding([.char("r")], .runOnce, label: "Run", help: "run one scan now", section: "Engine"),
        KeyBinding([.char("a")], .approve, label: "Approve", help: "review and approve the selected recommendation",
                   section: "Engine"),
        KeyBinding([.char("d")], .decline, label: "Decline", help: "decline the selected recommendation", section: "Engine"),
        KeyBinding([.char("E")], .emergencyStop, label: "E-stop",
                   help: "emergency stop: halt and cancel pending approvals (type STOP)", section: "Engine"),
        KeyBinding([.char("R")], .resume, help: "resume after a halt (asks first)", section: "Engine"),
        KeyBinding([.char("c")], .cancelTransaction,
                   help: "cancel the running execution's stuck transaction with a self-transfer (asks first)", section: "Engine"),
        KeyBinding([.enter], .details, help: "details of the selected item", section: "View"),
        KeyBinding([.tab], .nextPane, help: "focus the next pane", section: "View"),
        KeyBinding([.backTab], .previousPane, help: "focus the previous pane", section: "View"),
    ]

    static let afterFocus: [KeyBinding] = [
        KeyBinding([.char("k"), .up], .up, help: "move up", section: "View"),
        KeyBinding([.char("j"), .down], .down, help: "move down", section: "View"),
        KeyBinding([.pageUp], .pageUp, help: "page up", section: "View"),
        KeyBinding([.pageDown], .pageDown, help: "page down", section: "View"),
        KeyBinding([.char("g"), .home], .top, help: "first row", section: "View"),
        KeyBinding([.char("G"), .end], .bottom, help: "last row", section: "View"),
        KeyBinding([.char("o")], .sortNext, help: "sort opportunities by the next column", section: "View"),
        KeyBinding([.char("O")], .sortReverse, help: "reverse the sort order", section: "View"),
        KeyBinding([.char("/")], .filter, label: "Filter", help: "filter rows (Enter keeps, Esc clears)", section: "View"),
        KeyBinding([.char("l")], .toggleLog, label: "Log", help: "event log view on/off", section: "View"),
        KeyBinding([.char("?")], .help, label: "Help", help: "this help", section: "View"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, label: "Quit",
                   help: "quit (asks while an execution runs; a step is never left half done)", section: "View"),
        KeyBinding([.char("p")], .togglePortfolio, label: "Portfolio",
                   help: "portfolio view on/off: positions, earnings, charts, the rebalance scorecard", section: "Portfolio"),
        KeyBinding([.char("w")], .chartWindow, help: "chart window: 24 h, 7 d, 30 d, since start", section: "Portfolio"),
        KeyBinding([.enter], .details, help: "in the scorecard: expand or fold the selected move", section: "Portfolio"),
    ]

    /// Keys inside dialogs, for the help overlay.
    public static let dialogHelp: [(keys: String, help: String)] = [
        ("← → Tab", "choose a button; dialogs open on the safe choice"),
        ("Enter", "press the chosen button"),
        ("y / n", "yes / no; in the approval dialog y approves, d declines"),
        ("Esc", "close without doing anything"),
        ("Ctrl-L", "redraw the whole screen"),
    ]

    public func command(for key: Key) -> ConsoleCommand? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    /// Key bar hints, in table order.
    public var barHints: [(key: String, label: String)] {
        bindings.compactMap { b in b.label.map { (b.keys[0].description, $0) } }
    }

    /// The help overlay's lines, grouped by section.
    public func helpLines() -> [String] {
        var lines: [String] = []
        var section = ""
        for b in bindings {
            if b.section != section {
                if !lines.isEmpty { lines.append("") }
                lines.append(b.section)
                section = b.section
            }
            lines.append("  " + b.keyText.padded(to: 12) + b.help)
        }
        lines.append("")
        lines.append("Dialogs")
        for d in Self.dialogHelp { lines.append("  " + d.keys.padded(to: 12) + d.help) }
        return lines
    }
}
