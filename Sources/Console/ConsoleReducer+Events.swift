import Foundation
import MammonCore

extension ConsoleReducer {
    /// Folds one engine event into the state and the event log. The portfolio's books fold an event
    /// the engine logged as it happened (its log position orders it against the scans), never a
    /// `replayed` one (the restored records already hold what it says) nor one the engine could not store.
    static func apply(_ event: EngineEvent, to state: inout ConsoleState, replayed: Bool = false) {
        state.lastEventAt = event.at
        state.engineConnected = true
        let at = event.at
        let logged = replayed ? nil : event.logPosition
        defer { if let line = LogLine(event) { state.log(line) } }
        switch event.kind {
        case .status(let status):
            state.status = status
            mergeErrors(status.recentErrors, into: &state)
        case .schedulerStarted, .schedulerStopped, .schedulerResumed, .cycleRetry:
            break
        case .schedulerHalted(let reason, _):
            state.say("scheduler halted: \(reason)", .error)
        case .scanStarted(let cycle):
            state.scanningCycle = cycle
        case .marketsScanned(_, let markets, let idle):
            updateMarkets(markets, &state)
            state.idle = idle
            state.marketsAt = at
            if let logged {
                state.portfolio.observe(BalanceObservation(at: at, logPosition: logged, idle: idle, snapshots: markets))
                state.refreshPortfolio()
            }
        case .positionsVerified(_, let markets, let idle):
            // The positions after a move; the books keep folding scans only, as the store does.
            updateMarkets(markets, &state)
            state.idle = idle
            state.marketsAt = at
        case .scanFinished:
            state.scanningCycle = nil
        case .opportunityFound(let rec):
            if state.opportunities[rec.id] == nil {
                state.opportunities[rec.id] = OpportunityRow(recommendation: rec, foundAt: at)
                supersede(by: rec, &state)
                trimOpportunities(&state)
                state.insertIntoOrder(rec.id)
            }
        case .gateVerdict(let id, let analysis):
            if logged != nil { state.portfolio.verdict(id, analysis) }
            state.opportunities[id]?.analysis = analysis
            let failed = analysis.failedGates.first
            state.opportunities[id]?.verdict = failed.map { .rejected(gate: $0.name, reason: $0.reason) } ?? .passed
            state.resortOpportunities()
        case .limitReached(_, let detail):
            state.say("limit reached: \(detail)", .warning)
        case .approvalRequested(let request):
            var row = state.opportunities[request.id]
                ?? OpportunityRow(recommendation: request.recommendation, foundAt: at)
            row.analysis = request.analysis
            row.approval = request
            row.verdict = .awaitingApproval(expiresAt: request.expiresAt)
            state.opportunities[request.id] = row
            state.resortOpportunities()
            state.say("approval waiting: \(request.recommendation.route), press a to review", .warning)
        case .approvalResolved(let id, let outcome, let detail):
            state.opportunities[id]?.approval?.outcome = outcome
            state.opportunities[id]?.verdict = outcome == .approved ? .approved : .resolved(outcome, detail: detail)
            state.resortOpportunities()
            if case .approval(let open, _, _) = state.modal, open == id {
                state.modal = nil
                state.say("approval \(outcome.rawValue) by the engine: \(detail)", outcome == .approved ? .info : .warning)
            }
        case .executionStarted(let id, let rec, let steps):
            if logged != nil { state.portfolio.executionStarted(id, recommendation: rec) }
            state.execution = ExecutionView(id: id, recommendation: rec,
                                            steps: steps.map { ExecutionView.StepLine(step: $0) }, startedAt: at)
            state.opportunities[rec.id]?.verdict = .executing
        case .stepStarted(let id, let step):
            guard state.execution?.id == id, let i = state.execution?.steps.firstIndex(where: { $0.step == step }) else { break }
            state.execution?.steps[i].status = .running
            state.execution?.steps[i].startedAt = at
        case .stepFinished(let record):
            if let logged { state.portfolio.stepFinished(record, logPosition: logged, at: at) }
            if state.execution?.id == record.executionID,
               let i = state.execution?.steps.firstIndex(where: { $0.step == record.step }) {
                state.execution?.steps[i].status = record.status
                state.execution?.steps[i].record = record
                if state.execution?.steps[i].startedAt == nil { state.execution?.steps[i].startedAt = record.startedAt }
            }
        case .executionFinished(let summary):
            if logged != nil {
                state.portfolio.executionFinished(summary)
                state.refreshPortfolio()
            }
            if state.execution?.id == summary.id { state.execution?.summary = summary }
            remember(summary, &state)
            state.opportunities[summary.recommendation.id]?.verdict =
                summary.status == .succeeded ? .executed : .failed(summary.error ?? summary.status.rawValue)
            state.resortOpportunities()
            if summary.status == .stranded { state.say("funds stranded in the wallet: \(summary.error ?? "see Errors")", .error) }
        case .error(let source, let message, _):
            mergeErrors([ErrorRecord(at: at, source: source, message: message)], into: &state)
        case .notice:
            break
        case .commandHandled(let client, let command, let accepted, let detail):
            // Another console's command: say who did what, so two operators never act blind.
            if client != state.clientName {
                state.say("\(client): \(command) \(accepted ? "accepted" : "refused"): \(detail)", accepted ? .info : .warning)
            }
        }
    }

    /// Events from before this console opened, read from the database: they fill the event log,
    /// the recent executions and the errors, and nothing else. Tables, the running execution and
    /// the status come from the live engine, so nothing old is shown as current.
    static func restore(_ history: [EngineEvent], to state: inout ConsoleState) {
        guard let last = history.last else { return }
        if state.logHistoryStart == nil { state.logHistoryStart = state.log.count }
        for event in history {
            if let line = LogLine(event) { state.log(line) }
            switch event.kind {
            case .executionFinished(let summary): remember(summary, &state)
            case .error(let source, let message, _): mergeErrors([ErrorRecord(at: event.at, source: source, message: message)], into: &state)
            default: break
            }
        }
        state.log(LogLine(at: last.at, type: "console", text: "console opened: the lines above are from the database"))
    }

    /// Older history, read when the event log opened: its lines go above the history's (where they
    /// would have been had it all been read at once, the log keeping its newest `maxLog` lines), its
    /// executions and errors merge in as the stored records' do.
    static func restore(earlier events: [EngineEvent], to state: inout ConsoleState) {
        guard let start = state.logHistoryStart else { return } // the history's oldest lines already scrolled out
        let lines = events.compactMap(LogLine.init)
        state.log.insert(contentsOf: lines, at: start)
        state.trimLog()
        var errors: [ErrorRecord] = []
        for event in events {
            switch event.kind {
            case .executionFinished(let summary) where !state.recentExecutions.contains(where: { $0.id == summary.id }):
                state.recentExecutions.append(summary)
            case .error(let source, let message, _): errors.append(ErrorRecord(at: event.at, source: source, message: message))
            default: break
            }
        }
        state.recentExecutions.sort { $0.startedAt > $1.startedAt }
        if state.recentExecutions.count > ConsoleState.maxRecentExecutions { state.recentExecutions.removeLast(state.recentExecutions.count - ConsoleState.maxRecentExecutions) }
        mergeErrors(errors, into: &state)
    }

    /// Asks for the earlier history once, when the event log is shown.
    static func loadEarlierHistory(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard state.earlierHistoryAvailable else { return [] }
        state.earlierHistoryAvailable = false
        return [.loadEarlierHistory]
    }

    /// The database's tables from before this console opened: recent executions and errors, the
    /// last scan's markets (their age shows on the status line) and the portfolio. What the live
    /// engine has already said wins.
    static func restore(_ records: StoredRecords, to state: inout ConsoleState) {
        for summary in records.executions.reversed() where !state.recentExecutions.contains(where: { $0.id == summary.id }) {
            remember(summary, &state)
        }
        state.recentExecutions.sort { $0.startedAt > $1.startedAt }
        mergeErrors(records.errors, into: &state)
        if state.marketsAt == nil, let scan = records.lastScan {
            updateMarkets(scan.markets, &state)
            state.idle = scan.idle
            state.marketsAt = scan.at
            // Sparklines from the recorded APYs, so they do not start from one point.
            let recent = records.portfolio.intervals.suffix(ConsoleState.sparklinePoints)
            for i in state.markets.indices where !recent.isEmpty {
                let points = recent.compactMap { $0.markets[state.markets[i].marketID]?.closingAPY.doubleForDisplay }
                if !points.isEmpty { state.markets[i].history = points }
            }
        }
        if state.portfolio.isEmpty, !records.portfolio.isEmpty {
            state.portfolio = records.portfolio
            state.refreshPortfolio()
        }
    }

    static func remember(_ summary: ExecutionSummary, _ state: inout ConsoleState) {
        state.recentExecutions.removeAll { $0.id == summary.id }
        state.recentExecutions.insert(summary, at: 0)
        if state.recentExecutions.count > ConsoleState.maxRecentExecutions { state.recentExecutions.removeLast() }
    }

    static func mergeErrors(_ records: [ErrorRecord], into state: inout ConsoleState) {
        let fresh = records.filter { !state.errors.contains($0) }
        guard !fresh.isEmpty else { return }
        state.errors = (state.errors + fresh).sorted { $0.at > $1.at }
        if state.errors.count > ConsoleState.maxErrors { state.errors.removeLast(state.errors.count - ConsoleState.maxErrors) }
    }

    static func updateMarkets(_ snapshots: [MarketSnapshot], _ state: inout ConsoleState) {
        for snap in snapshots {
            let apy = snap.quote.apy
            if let i = state.markets.firstIndex(where: { $0.marketID == snap.quote.marketID }) {
                state.markets[i].apy = apy
                state.markets[i].position = snap.position
                state.markets[i].history.append(apy.doubleForDisplay)
                if state.markets[i].history.count > ConsoleState.sparklinePoints { state.markets[i].history.removeFirst() }
            } else {
                state.markets.append(MarketLine(marketID: snap.quote.marketID, apy: apy, position: snap.position,
                                                history: [apy.doubleForDisplay]))
                state.markets.sort { $0.marketID < $1.marketID }
            }
        }
    }

    /// A new scan's proposal for a route replaces the earlier ones a gate rejected, so the table shows
    /// what is live now instead of one rejected row per scan; rows that were acted on (approvals,
    /// executions, failures) stay as history.
    static func supersede(by rec: RebalanceRecommendation, _ state: inout ConsoleState) {
        let stale = state.opportunities.values.filter { row in
            guard row.id != rec.id, case .rejected = row.verdict else { return false }
            let old = row.recommendation
            return old.from == rec.from && old.to == rec.to && old.token == rec.token
        }
        for row in stale { state.removeOpportunity(row.id, selecting: rec.id) }
    }

    /// Drops the oldest settled rows past the bound; rows waiting for the operator are kept.
    static func trimOpportunities(_ state: inout ConsoleState) {
        let excess = state.opportunities.count - ConsoleState.maxOpportunities
        guard excess > 0 else { return }
        for _ in 0..<excess {
            guard let oldest = state.opportunities.values.filter({ !$0.isAwaitingApproval })
                .min(by: { $0.foundAt == $1.foundAt ? $0.id.uuidString < $1.id.uuidString : $0.foundAt < $1.foundAt }) else { return }
            state.removeOpportunity(oldest.id)
        }
    }
}
