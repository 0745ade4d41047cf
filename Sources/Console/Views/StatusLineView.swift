import Foundation
import MammonCore
import TerminalKit

/// One line: scheduler state, network, how old the data is (or that it is stale), a message, the clock.
enum StatusLineView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let base = theme[.statusBar]
        buffer.fill(area, with: Cell(" ", style: base))
        var x = area.x
        let clock = area.width >= 60 ? " \(Format.clock(state.now)) UTC " : ""
        let right = area.maxX - clock.displayWidth
        if state.filterEditing {
            buffer.put("/\(state.filter)▏  Enter keeps · Esc clears", x: x, y: area.y, style: theme.style(.accent, over: base),
                       maxWidth: area.width)
            return
        }
        if let s = state.status {
            let role: ThemeRole = s.running ? .ok : (s.halted ? .error : .warning)
            x += buffer.put(" \(s.state.rawValue.uppercased()) ", x: x, y: area.y, style: theme.style(role, over: base).adding(.bold))
            if let watched = ShadowNetwork.watched(in: s.network) {
                // A shadow run: say so where the eye lands first, every frame.
                x += buffer.put(" SHADOW ", x: x, y: area.y, style: theme.style(.warning, over: base).adding(.bold).adding(.reverse), maxWidth: right - x) + 1
                x += buffer.put("\(watched), nothing is sent · ", x: x, y: area.y, style: base, maxWidth: right - x)
            } else {
                x += buffer.put("\(s.network) ", x: x, y: area.y, style: base, maxWidth: right - x)
            }
        }
        if let stale = state.staleReason {
            x += buffer.put(" STALE: \(stale) ", x: x, y: area.y, style: theme[.stale], maxWidth: right - x) + 1
        } else if let age = state.dataAge {
            x += buffer.put("data \(age) old ", x: x, y: area.y, style: base, maxWidth: right - x)
        } else {
            x += buffer.put("no market data yet ", x: x, y: area.y, style: base, maxWidth: right - x)
        }
        if let flash = state.flash {
            let role: ThemeRole = switch flash.severity {
            case .info: .accent
            case .warning: .warning
            case .error: .error
            }
            x += buffer.put("│ " + flash.text, x: x, y: area.y, style: theme.style(role, over: base), maxWidth: right - x - 1)
        } else if !state.filter.isEmpty {
            buffer.put("│ filter: \(state.filter)", x: x, y: area.y, style: base, maxWidth: right - x - 1)
        }
        if right > x { buffer.put(clock, x: right, y: area.y, style: base) }
    }
}

