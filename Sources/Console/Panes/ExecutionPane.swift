import Foundation
import MammonCore
import TerminalKit

/// The running or last execution step by step, then recent executions.
enum ExecutionPaneView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, focused: Bool) {
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
        let inner = Pane(title: "3 Execution", note: note?.0, focused: focused)
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
