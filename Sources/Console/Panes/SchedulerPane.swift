import Foundation
import MammonCore
import TerminalKit

extension PaneID {
    public static let scheduler = PaneID("scheduler")
}

/// State, network and mode, wallet, next scan, counters and daily gauges, breaker, APY sparklines.
struct SchedulerPane: ConsolePane {
    let id = PaneID.scheduler
    let title = "Scheduler"
    let shortTitle = "Sched"
    let band = DashboardBand.top

    /// At least the state line (`● RUNNING  simulated  approval manual`) inside the border; two fifths
    /// of the row, up to 70 columns (wider only stretches the gauges).
    func width(_ state: ConsoleState, available: Int) -> SizeRule {
        SizeRule(minimum: 42, preferred: available * 2 / 5, maximum: 70)
    }

    /// Its lines and the border, up to a third of the dashboard; at least the six lines every state has.
    func height(_ state: ConsoleState, available: Int) -> SizeRule {
        SizeRule(minimum: 2 + 6, preferred: 2 + lineCount(state), maximum: available / 3)
    }

    /// The lines `render` draws with room for all.
    func lineCount(_ state: ConsoleState) -> Int {
        guard let s = state.status else { return 1 }
        return 6 + (s.halted || state.scanningCycle != nil ? 1 : 0) + (s.treasury == nil ? 0 : 1) + state.markets.count
    }

    func details(_ state: ConsoleState) -> Modal? {
        guard let s = state.status else { return nil }
        var lines = [
            "state        \(s.state.rawValue)" + (s.haltReason.map { " (\($0))" } ?? ""),
            "network      \(s.network)", "wallet       \(s.walletAddress)", "approval     \(s.approvalMode)",
            "started      \(s.startedAt.map { $0.iso8601 } ?? "-")",
            "last scan    \(s.lastScanAt.map { $0.iso8601 } ?? "-")",
            "next scan    \(s.nextScanAt.map { $0.iso8601 } ?? "-")",
            "scans        \(s.scans)",
            "found        \(s.opportunitiesFound), executed \(s.opportunitiesExecuted), skipped \(s.opportunitiesSkipped)",
            "today        \(s.rebalancesToday)/\(s.maxRebalancesPerDay) rebalances, gas \(Format.usd(s.gasTodayUSD))/\(Format.usdShort(s.maxGasPerDayUSD))",
            "total        \(s.rebalancesTotal) rebalances, gas \(Format.usd(s.gasTotalUSD))",
            "failures     \(s.consecutiveFailures) in a row",
        ]
        if let idle = state.idle { lines.append("idle         \(Format.amount(idle)) USDC") }
        if let db = state.databasePath { lines.append("database     \(db)") }
        for m in state.markets {
            lines.append("\(m.marketID.displayName.padded(to: 12)) \(Format.apy(m.apy)), position \(Format.amount(m.position))")
        }
        return .details(title: "Scheduler", lines: lines, scroll: 0)
    }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let stale = state.engineConnected ? nil : "STALE: engine disconnected"
        let inner = Pane(title: context.caption(title), note: stale, focused: context.focused)
            .render(into: &buffer, area: area, theme: theme, noteStyle: theme[.stale])
        guard !inner.isEmpty else { return }
        let x = inner.x + 1, width = inner.width - 2
        var y = inner.y
        func line(_ text: String, _ role: ThemeRole = .text) {
            guard y < inner.maxY else { return }
            buffer.put(text.truncated(to: width), x: x, y: y, style: theme[role], maxWidth: width)
            y += 1
        }
        guard let s = state.status else {
            line("waiting for the engine…", .muted)
            return
        }
        let mode = "  \(s.network)  approval \(s.approvalMode)"
        switch s.state {
        case .running:
            line("● RUNNING" + (state.scanningCycle.map { "  scanning (cycle \($0))" } ?? mode), .ok)
        case .stopped: line("■ STOPPED" + mode, .warning)
        case .halted: line("▲ HALTED: \(s.haltReason ?? "unknown reason")", .error)
        }
        if s.halted || state.scanningCycle != nil { line(String(mode.dropFirst(2))) }
        line("\(s.treasury == nil ? "wallet" : "Safe") \(Format.shortAddress(s.walletAddress))" + (state.idle.map { " · idle \(Format.amount($0))" } ?? ""))
        if let t = s.treasury {
            let low = t.gasRunwayDays.map { $0 < TreasuryFenceStatus.lowGasRunwayDays } ?? false
            line("allowance \(TreasuryFenceStatus.whole(t.allowanceLeft))/\(TreasuryFenceStatus.whole(t.allowanceDaily)) USDC today"
                 + (t.gasRunwayDays.map { " · gas ~\($0.rounded(0, .down).plainString) d" } ?? ""), low ? .warning : .text)
        }
        let next: String
        if let due = s.nextScanAt, s.running {
            let left = due.timeIntervalSince(state.now)
            next = left >= 0 ? "next scan in \(Format.duration(left))" : "next scan due \(Format.duration(-left)) ago"
        } else {
            next = "next scan: not scheduled"
        }
        line("\(next) · scans \(s.scans)")
        if y < inner.maxY {
            let label = "rebalances "
            buffer.put(label, x: x, y: y, style: theme[.text], maxWidth: width)
            let ratio = s.maxRebalancesPerDay > 0 ? Double(s.rebalancesToday) / Double(s.maxRebalancesPerDay) : 0
            Gauge(ratio: ratio, label: "\(s.rebalancesToday)/\(s.maxRebalancesPerDay)")
                .render(into: &buffer, x: x + label.count, y: y, width: width - label.count, theme: theme)
            y += 1
        }
        if y < inner.maxY {
            let label = "gas today  "
            buffer.put(label, x: x, y: y, style: theme[.text], maxWidth: width)
            let ratio = s.maxGasPerDayUSD > 0 ? (s.gasTodayUSD / s.maxGasPerDayUSD).doubleForDisplay : 0
            Gauge(ratio: ratio, label: "\(Format.usd(s.gasTodayUSD))/\(Format.usdShort(s.maxGasPerDayUSD))")
                .render(into: &buffer, x: x + label.count, y: y, width: width - label.count, theme: theme)
            y += 1
        }
        if s.halted {
            line("breaker OPEN · press R to resume", .error)
        } else if s.consecutiveFailures > 0 {
            line("breaker closed · \(s.consecutiveFailures) failed cycle\(s.consecutiveFailures == 1 ? "" : "s") in a row", .warning)
        } else {
            line("breaker closed · no failures", .ok)
        }
        for market in state.markets {
            guard y < inner.maxY else { break }
            let name = market.marketID.displayName.padded(to: 9)
            let rate = Format.apy(market.apy).padded(to: 7, right: true)
            let used = buffer.put("\(name)\(rate) ", x: x, y: y, style: theme[market.position.isZero ? .muted : .text], maxWidth: width)
            Sparkline(market.history).render(into: &buffer, x: x + used, y: y, width: min(40, width - used), style: theme[.sparkline])
            y += 1
        }
    }
}
