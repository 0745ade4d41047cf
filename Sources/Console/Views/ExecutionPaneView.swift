import Foundation
import MammonCore
import TerminalKit

/// The running or last execution step by step, then recent executions.
enum ExecutionPaneView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, focused: Bool) {
        let note = state.executionInFlight ? "IN FLIGHT" : nil
        let inner = Pane(title: "3 Execution", note: note, focused: focused)
            .render(into: &buffer, area: area, theme: theme, noteStyle: theme[.warning])
        guard !inner.isEmpty else { return }
        let x = inner.x + 1, width = inner.width - 2
        var y = inner.y
        func line(_ text: String, _ style: Style) {
            guard y < inner.maxY else { return }
            buffer.put(text, x: x, y: y, style: style, maxWidth: width)
            y += 1
        }
        if let ex = state.execution {
            let rec = ex.recommendation
            let outcome: (String, ThemeRole)
            switch ex.summary?.status {
            case nil, .running?: outcome = ("running \(Format.duration(state.now.timeIntervalSince(ex.startedAt)))", .warning)
            case .succeeded?: outcome = ("✓ done", .ok)
            case .failed?: outcome = ("✗ failed", .error)
            case .stranded?: outcome = ("✗ STRANDED in wallet", .error)
            }
            let head = "\(rec.route) \(Format.amount(rec.amount)) "
            line(head, theme[.accent])
            if y - 1 >= inner.y { buffer.put(outcome.0, x: x + head.displayWidth, y: y - 1, style: theme[outcome.1],
                                             maxWidth: width - head.displayWidth) }
            for step in ex.steps {
                guard y < inner.maxY else { break }
                let role: ThemeRole = switch step.status {
                case .pending, .skipped: .muted
                case .running: .warning
                case .succeeded: .ok
                case .failed: .error
                }
                var text = "\(Format.stepSymbol(step.status)) \(Format.stepName(step.step).padded(to: 13))"
                if step.status == .running, let started = step.startedAt {
                    text += "running \(Format.duration(state.now.timeIntervalSince(started)))"
                } else if let r = step.record {
                    if let tx = r.txHash { text += Format.shortHash(tx) + " " }
                    if let gas = r.gasUsed { text += "gas \(Format.gas(gas)) " }
                    if let ms = r.durationMs { text += Format.millis(ms) }
                    if step.status == .failed, let d = r.detail { text += " " + d }
                }
                line(text, theme[role])
            }
            if let error = ex.summary?.error { line(error, theme[.error]) }
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
