import Foundation
import MammonCore
import TerminalKit

/// Draws the open dialog over the panes.
enum ModalView {
    static func render(_ state: ConsoleState, keymap: Keymap, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        guard let modal = state.modal else { return }
        let textWidth = max(10, area.width - 6)
        switch modal {
        case .help(let scroll):
            let lines = keymap.helpLines().map { Dialog.Line($0, $0.hasPrefix("  ") ? .dialog : .header) }
            let rows = max(1, area.height - 3)
            let shown = window(lines, scroll: scroll, rows: rows - 1) + [Dialog.Line("↑↓ scroll · any other key closes", .muted)]
            Dialog(title: "Keys", lines: shown).render(into: &buffer, area: area, theme: theme)

        case .approval(let id, let choice, let scroll):
            guard let row = state.opportunities[id] else { return }
            let lines = DetailsBuilder.approvalLines(row, now: state.now)
            let rows = max(1, area.height - 4)
            Dialog(title: "Approve this move?", lines: window(lines, scroll: scroll, rows: rows),
                   buttons: Modal.ApprovalChoice.allCases.map(\.label), selectedButton: choice.rawValue)
                .render(into: &buffer, area: area, theme: theme)

        case .confirm(let question, let yes):
            Dialog(title: question.title, lines: explanation(question, state).map { Dialog.Line($0) },
                   buttons: ["No", "Yes"], selectedButton: yes ? 1 : 0, danger: question == .quitDuringExecution)
                .render(into: &buffer, area: area, theme: theme)

        case .emergencyStop(let typed):
            let lines: [Dialog.Line] = [
                .init("Halts the scheduler now and cancels every pending approval.", .danger),
                .init("A step already sent finishes; nothing new starts until R (resume)."),
                .init(""),
                .init("Type \(Modal.emergencyWord) and press Enter, or Esc to cancel:"),
                .init("> \(typed)▏", typed == Modal.emergencyWord ? .danger : .accent),
            ]
            Dialog(title: "EMERGENCY STOP", lines: lines, danger: true).render(into: &buffer, area: area, theme: theme)

        case .details(let title, let raw, let scroll):
            let lines = raw.flatMap { TextWrap.lines($0, width: textWidth).map { Dialog.Line($0) } }
            let rows = max(1, area.height - 4)
            Dialog(title: title, lines: window(lines, scroll: scroll, rows: rows), buttons: ["Close"])
                .render(into: &buffer, area: area, theme: theme)
        }
    }

    /// The lines from `scroll`, at most `rows`, with a marker when more are hidden below.
    static func window(_ lines: [Dialog.Line], scroll: Int, rows: Int) -> [Dialog.Line] {
        guard lines.count > rows, rows > 1 else { return lines }
        let start = min(scroll, lines.count - rows + 1)
        let end = min(lines.count, start + rows - 1)
        let more = lines.count - end
        return Array(lines[start..<end]) + [Dialog.Line(more > 0 ? "↓ \(more) more (j/↓)" : "", .muted)]
    }

    static func explanation(_ question: Modal.Question, _ state: ConsoleState) -> [String] {
        switch question {
        case .stopScheduler:
            return ["No new scans will start.", "An execution already running finishes its steps."]
        case .quitDuringExecution:
            let step = state.execution?.runningStep.map(Format.stepName) ?? "a step"
            let route = state.execution?.recommendation.route ?? ""
            return ["\(route): \(step) is running.", "Quitting stops the scheduler and waits for the step",
                    "to finish; nothing is left half done."]
        case .resume:
            return ["Clears the halt: \(state.status?.haltReason ?? "unknown reason").",
                    "The scheduler may scan and move funds again."]
        case .cancelTransaction:
            let step = state.execution?.runningStep.map(Format.stepName) ?? "the step"
            return ["If the \(step) transaction is still unmined at the next check,",
                    "a zero-value self-transfer with higher fees takes its nonce.",
                    "The step then fails; funds already withdrawn stay in the wallet."]
        }
    }
}
