import Foundation
import MammonCore
import TerminalKit

/// The console's one state transition: `reduce(&state, action)` changes the state and returns the
/// effects the runner must perform. Pure: no clock, no I/O.
public enum ConsoleReducer {
    public static func reduce(_ state: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        reduce(&state, action, panes: .standard)
    }

    /// With the panes of `panes`: its keymap, its focus order, its panes' selections and details.
    static func reduce(_ state: inout ConsoleState, _ action: ConsoleAction, panes: PaneRegistry) -> [ConsoleEffect] {
        switch action {
        case .tick(let now):
            state.now = now
            if let flash = state.flash, flash.until <= now { state.flash = nil }
            return []
        case .resized(let size):
            state.size = size
            return []
        case .engineEvent(let event):
            apply(event, to: &state)
            return []
        case .history(let events):
            restore(events, to: &state)
            return []
        case .earlierHistoryAvailable:
            state.earlierHistoryAvailable = true
            return state.view == .eventLog ? loadEarlierHistory(&state) : []
        case .earlierHistory(let events):
            restore(earlier: events, to: &state)
            return []
        case .restored(let records):
            restore(records, to: &state)
            return []
        case .replayed(let events):
            for event in events { apply(event, to: &state, replayed: true) }
            return []
        case .verdictsRestored(let verdicts):
            state.portfolio.attach(verdicts: verdicts)
            state.refreshPortfolio()
            return []
        case .engineStreamEnded:
            state.engineConnected = false
            state.log(LogLine(at: state.now, type: "console", text: "engine event stream ended", severity: .error))
            return []
        case .commandAnswered(let command, let outcome):
            let what = command.name.replacingOccurrences(of: "_", with: " ")
            state.say(outcome.accepted ? "\(what): \(outcome.detail)" : "\(what) refused by the engine: \(outcome.detail)",
                      outcome.accepted ? .info : .warning)
            if !outcome.accepted {
                state.log(LogLine(at: state.now, type: "console", text: "\(what) refused: \(outcome.detail)", severity: .warning))
            }
            return []
        case .linkChanged(let link):
            linkChanged(link, &state)
            return []
        case .identified(let name):
            state.clientName = name
            return []
        case .keyPressed(let key):
            if state.modal != nil { return modalKey(key, &state) }
            if state.filterEditing { return filterKey(key, &state) }
            guard let command = panes.keymap.command(for: key) else { return [] }
            return perform(command, &state, panes: panes)
        }
    }

    static func perform(_ command: ConsoleCommand, _ state: inout ConsoleState, panes: PaneRegistry) -> [ConsoleEffect] {
        switch command {
        case .start:
            if state.status?.halted == true {
                state.say("halted: press R to resume first (\(state.status?.haltReason ?? "unknown reason"))", .warning)
                return []
            }
            if state.status?.running == true { state.say("the scheduler is already running", .info); return [] }
            state.say("starting the scheduler", .info)
            return [.send(.start)]
        case .stop:
            guard state.status?.running == true else { state.say("the scheduler is not running", .info); return [] }
            state.modal = .confirm(.stopScheduler, yes: false)
        case .runOnce:
            state.say("scan requested", .info)
            return [.send(.runOnce)]
        case .approve:
            guard let row = approvalTarget(&state) else { return [] }
            state.modal = .approval(id: row.id, choice: .cancel, scroll: 0)
        case .decline:
            guard let row = approvalTarget(&state) else { return [] }
            state.say("declining \(row.recommendation.route)", .info)
            return [.send(.decline(row.id))]
        case .details:
            if state.view == .portfolio {
                guard state.portfolioSummary.scorecard.moves.indices.contains(state.selectedMove) else { return [] }
                let id = state.portfolioSummary.scorecard.moves[state.selectedMove].id
                if state.expandedMoves.remove(id) == nil { state.expandedMoves.insert(id) }
                return []
            }
            state.modal = panes.pane(state.focus)?.details(state)
        case .nextPane: state.focus = panes.next(after: state.focus); state.view = .dashboard
        case .previousPane: state.focus = panes.previous(before: state.focus); state.view = .dashboard
        case .focus(let pane): state.focus = pane; state.view = .dashboard
        case .up: move(&state, by: -1, panes: panes)
        case .down: move(&state, by: 1, panes: panes)
        case .pageUp: move(&state, by: -10, panes: panes)
        case .pageDown: move(&state, by: 10, panes: panes)
        case .top: move(&state, by: -Int.max / 2, panes: panes)
        case .bottom: move(&state, by: Int.max / 2, panes: panes)
        case .sortNext:
            let all = OpportunitySort.Column.allCases
            state.sort.column = all[(state.sort.column.rawValue + 1) % all.count]
            state.resortOpportunities()
            state.say("sorted by \(state.sort.column.title)", .info)
        case .sortReverse:
            state.sort.ascending.toggle()
            state.resortOpportunities()
        case .filter:
            state.filterEditing = true
        case .help:
            state.modal = .help(scroll: 0)
        case .toggleLog:
            state.view = state.view == .eventLog ? .dashboard : .eventLog
            state.logScroll = 0
            if state.view == .eventLog { return loadEarlierHistory(&state) }
        case .togglePortfolio:
            state.view = state.view == .portfolio ? .dashboard : .portfolio
        case .chartWindow:
            let all = EarningsSpan.allCases
            state.chartSpan = all[(all.firstIndex(of: state.chartSpan)! + 1) % all.count]
            state.refreshPortfolio()
            state.say("charts: \(state.chartSpan.title)", .info)
        case .quit:
            // Attached, quitting only detaches: the engine keeps running (and its execution with it).
            if state.link.isAttached { return [.quit] }
            if state.executionInFlight {
                state.modal = .confirm(.quitDuringExecution, yes: false)
                return []
            }
            return [.quit]
        case .emergencyStop:
            state.modal = .emergencyStop(typed: "")
        case .resume:
            guard state.status?.halted == true else { state.say("the scheduler is not halted", .info); return [] }
            state.modal = .confirm(.resume, yes: false)
        case .cancelTransaction:
            guard let execution = state.execution, execution.inFlight, execution.runningStep?.sendsTransaction == true else {
                state.say("no transaction in flight to cancel", .info)
                return []
            }
            state.modal = .confirm(.cancelTransaction(executionID: execution.id), yes: false)
        }
        return []
    }

    /// With Opportunities focused, the selected row when it waits for approval; otherwise the oldest
    /// waiting one, which becomes selected so the dialog and the table agree; else nil with a message.
    static func approvalTarget(_ state: inout ConsoleState) -> OpportunityRow? {
        if state.focus == .opportunities, let id = state.selectedOpportunity, let row = state.opportunities[id] {
            if row.isAwaitingApproval { return row }
            state.say("the selected recommendation is not waiting for approval (\(Format.verdict(row.verdict, now: state.now)))", .info)
            return nil
        }
        guard let first = state.pendingApprovals.first else {
            state.say("nothing is waiting for approval", .info)
            return nil
        }
        state.selectedOpportunity = first.id
        state.focus = .opportunities
        return first
    }

    static func move(_ state: inout ConsoleState, by delta: Int, panes: PaneRegistry) {
        func clamp(_ v: Int, _ count: Int) -> Int { max(0, min(count - 1, v)) }
        if state.view == .eventLog {
            let count = state.filteredLog.count
            state.logScroll = max(0, min(max(0, count - 1), state.logScroll - delta.signum() * min(abs(delta), count)))
            return
        }
        if state.view == .portfolio {
            let count = state.portfolioSummary.scorecard.moves.count
            if count > 0 { state.selectedMove = clamp(state.selectedMove + delta, count) }
            return
        }
        panes.pane(state.focus)?.moveSelection(&state, by: delta)
    }

    static func filterKey(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch key {
        case .enter: state.filterEditing = false
        case .escape: state.filterEditing = false; state.filter = ""
        case .backspace, .delete: if !state.filter.isEmpty { state.filter.removeLast() }
        case .char(let c): state.filter.append(c)
        default: return []
        }
        state.resortOpportunities()
        state.selectedError = 0
        state.logScroll = 0
        return []
    }
}

extension ConsoleState {
    /// Shows a message on the status line for a few seconds.
    mutating func say(_ text: String, _ severity: LogLine.Severity) {
        flash = Flash(text: text, severity: severity, until: now.addingTimeInterval(Self.flashSeconds))
    }

    mutating func log(_ line: LogLine) {
        log.append(line)
        trimLog()
    }

    /// Keeps the newest `maxLog` lines, and where the database's lines begin among them.
    mutating func trimLog() {
        guard log.count > Self.maxLog else { return }
        let dropped = log.count - Self.maxLog
        log.removeFirst(dropped)
        if let start = logHistoryStart { logHistoryStart = start >= dropped ? start - dropped : nil }
    }

    /// Drops a row; a selection on it moves to `replacement`, else to the first row.
    mutating func removeOpportunity(_ id: UUID, selecting replacement: UUID? = nil) {
        opportunities[id] = nil
        opportunityOrder.removeAll { $0 == id }
        if selectedOpportunity == id { selectedOpportunity = replacement ?? opportunityOrder.first }
    }

    /// Puts one new row in its place in the table order (binary search), without re-sorting the rest.
    mutating func insertIntoOrder(_ id: UUID) {
        guard let row = opportunities[id] else { return }
        if !filter.isEmpty && !row.searchText.contains(filter.lowercased()) { return }
        var low = 0, high = opportunityOrder.count
        while low < high {
            let mid = (low + high) / 2
            if let other = opportunities[opportunityOrder[mid]], sort.orders(other, before: row) { low = mid + 1 } else { high = mid }
        }
        opportunityOrder.insert(id, at: low)
        if selectedOpportunity == nil { selectedOpportunity = id }
    }

    /// Recomputes the table order after a change of rows, sort or filter; keeps the selection valid.
    public mutating func resortOpportunities() {
        awaitingApproval = opportunities.values.filter(\.isAwaitingApproval)
            .sorted { $0.foundAt == $1.foundAt ? $0.id.uuidString < $1.id.uuidString : $0.foundAt < $1.foundAt }.map(\.id)
        var rows = Array(opportunities.values)
        if !filter.isEmpty {
            let f = filter.lowercased()
            rows = rows.filter { $0.searchText.contains(f) }
        }
        let sort = self.sort
        rows.sort { sort.orders($0, before: $1) }
        opportunityOrder = rows.map(\.id)
        if let id = selectedOpportunity, !opportunityOrder.contains(id) { selectedOpportunity = nil }
        if selectedOpportunity == nil { selectedOpportunity = opportunityOrder.first }
    }
}
