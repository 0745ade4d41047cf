import Foundation
import MammonCore
import TerminalKit

extension PaneID {
    public static let execution = PaneID("execution")
}

/// The running or last execution step by step, then recent executions.
struct ExecutionPane: ConsolePane {
    let id = PaneID.execution
    let title = "Execution"
    let shortTitle = "Exec"
    let band = DashboardBand.top
    /// The recent executions it asks room for; more show when the pane is taller anyway.
    static let recentAskedFor = 6

    /// At least a step line up to its time (`✓ withdraw      0xab2a…2ab2 1.2s`) inside the border;
    /// whatever the row has left.
    func width(_ state: ConsoleState, available: Int) -> SizeRule { .fill(minimum: 38) }

    /// Its lines and the border, up to a third of the dashboard; at least a move with every step and
    /// the last execution under "Recent".
    func height(_ state: ConsoleState, available: Int) -> SizeRule {
        SizeRule(minimum: 2 + 1 + ExecutionStep.allCases.count + 2, preferred: 2 + lineCount(state), maximum: available / 3)
    }

    /// The lines `render` draws with room for all (the recent executions up to `recentAskedFor`).
    func lineCount(_ state: ConsoleState) -> Int {
        let current = 1 + (state.execution.map { $0.steps.count + ($0.summary?.error == nil ? 0 : 1) } ?? 0)
        let recent = state.recentExecutions.isEmpty ? 0 : 1 + min(state.recentExecutions.count, Self.recentAskedFor)
        return current + recent
    }

    func moveSelection(_ state: inout ConsoleState, by delta: Int) {
        let count = state.recentExecutions.count
        guard count > 0 else { return }
        state.selectedExecution = max(0, min(count - 1, state.selectedExecution + delta))
    }

    func details(_ state: ConsoleState) -> Modal? {
        guard let ex = state.execution else { return nil }
        var lines = ["\(ex.recommendation.route) \(Format.amount(ex.recommendation.amount)) \(ex.recommendation.token.symbol)",
                     "started \(ex.startedAt.iso8601)", "execution \(ex.id.uuidString.lowercased())", ""]
        for s in ex.steps {
            lines.append("\(Format.stepSymbol(s.status)) \(Format.stepName(s.step)) \(s.status.rawValue)")
            if let r = s.record {
                if let tx = r.txHash { lines.append("    tx \(tx)") }
                if let gas = r.gasUsed { lines.append("    gas \(Format.gas(gas)) (\(Format.usd(r.gasCostUSD ?? 0, digits: 4)))") }
                if let d = r.detail { lines.append("    \(d)") }
            }
        }
        if let sum = ex.summary {
            lines += ["", "result \(sum.status.rawValue), gas \(Format.usd(sum.gasCostUSD, digits: 4))"]
            if let e = sum.error { lines.append("error: \(e)") }
        }
        return .details(title: "Execution", lines: lines, scroll: 0)
    }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let focused = context.focused
        var note: (String, ThemeRole)?
        if let ex = state.execution {
            switch ex.summary?.status {
            case nil, .running?: note = ("IN FLIGHT \(Format.duration(state.now.timeIntervalSince(ex.startedAt)))", .warning)
            case .succeeded?: note = ("✓ done", .ok)
            case .failed?: note = ("✗ failed", .error)
            case .stranded?: note = ("✗ STRANDED in wallet", .error)
            case .abandoned?: note = ("abandoned: nothing sent", .warning)
            }
        }
        let inner = Pane(title: context.caption(title), note: note?.0, focused: focused)
            .render(into: &buffer, area: area, theme: theme, noteStyle: theme[note?.1 ?? .muted])
        guard !inner.isEmpty else { return }
        let x = inner.x + 1, width = inner.width - 2
        var y = inner.y
        func line(_ text: String, _ style: Style) {
            guard y < inner.maxY else { return }
            buffer.put(text.truncated(to: width), x: x, y: y, style: style, maxWidth: width)
            y += 1
        }
        if let ex = state.execution {
            let rec = ex.recommendation
            line("\(rec.route) \(Format.amount(rec.amount)) \(rec.token.symbol)", theme[.accent])
            for step in ex.steps {
                guard y < inner.maxY else { break }
                let role: ThemeRole = switch step.status {
                case .pending, .skipped: .muted
                case .running: .warning
                case .succeeded: .ok
                case .failed: .error
                }
                var text = "\(Format.stepSymbol(step.status)) \(Format.stepName(step.step).padded(to: 14))"
                if step.status == .running, let started = step.startedAt {
                    text += "running \(Format.duration(state.now.timeIntervalSince(started)))"
                } else if let r = step.record {
                    if let tx = r.txHash { text += Format.shortHash(tx) + " " }
                    if let ms = r.durationMs { text += Format.millis(ms) + " " }
                    if let gas = r.gasUsed { text += "gas \(Format.gas(gas))" }
                    if step.status == .failed, let d = r.detail { text += " " + d }
                }
                line(text, theme[role])
            }
            if let error = ex.summary?.error { line(error, theme[.error]) }
        } else if let last = state.recentExecutions.first {
            line("none running · last \(Format.duration(state.now.timeIntervalSince(last.finishedAt ?? last.startedAt))) ago", theme[.muted])
        } else {
            line("no execution yet", theme[.muted])
        }
        guard y + 1 < inner.maxY, !state.recentExecutions.isEmpty else { return }
        line("Recent", theme[.header])
        for (i, sum) in state.recentExecutions.enumerated() {
            guard y < inner.maxY else { break }
            let symbol = sum.status == .succeeded ? "✓" : "✗"
            let text = "\(Format.clock(sum.startedAt).prefix(5)) \(symbol) \(sum.recommendation.route) "
                + "\(Format.amount(sum.recommendation.amount)) gas \(Format.usd(sum.gasCostUSD))"
            let selected = focused && i == state.selectedExecution
            line(text.padded(to: width), selected ? theme[.selected] : theme[sum.status == .succeeded ? .text : .error])
        }
    }
}
