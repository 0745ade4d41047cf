import Foundation
import MammonCore

extension LogLine {
    /// The event log's line for an engine event; nil for the status snapshot, which is not news.
    /// One function for live events and for the history read back from the database at start.
    public init?(_ event: EngineEvent) {
        let at = event.at, type = event.type
        switch event.kind {
        case .status:
            return nil
        case .schedulerStarted:
            self.init(at: at, type: type, text: "scheduler started")
        case .schedulerStopped(let reason):
            self.init(at: at, type: type, text: "scheduler stopped: \(reason)")
        case .schedulerHalted(let reason, _):
            self.init(at: at, type: type, text: "scheduler HALTED: \(reason)", severity: .error)
        case .schedulerResumed:
            self.init(at: at, type: type, text: "scheduler resumed")
        case .scanStarted(let cycle):
            self.init(at: at, type: type, text: "scan \(cycle) started")
        case .marketsScanned(let cycle, let markets, let idle):
            let rates = markets.map { "\($0.quote.marketID.displayName) \(Format.apy($0.quote.apy))" }.joined(separator: ", ")
            self.init(at: at, type: type, text: "scan \(cycle): \(rates); idle \(Format.amount(idle))")
        case .positionsVerified(let id, let markets, let idle):
            let held = markets.filter { !$0.position.isZero }.map { "\($0.quote.marketID.displayName) \(Format.amount($0.position))" }
            self.init(at: at, type: type, text: "execution \(id.uuidString.prefix(8)) verified: \((held + ["idle \(Format.amount(idle))"]).joined(separator: ", "))")
        case .scanFinished(let cycle, let ok, let found, let executed, let ms, let error):
            let text = ok ? "scan \(cycle) done in \(Format.millis(ms)): \(found) opportunities, \(executed) executed"
                : "scan \(cycle) failed after \(Format.millis(ms)): \(error ?? "unknown error")"
            self.init(at: at, type: type, text: text, severity: ok ? .info : .error)
        case .cycleRetry(let attempt, let retryAt, let error):
            self.init(at: at, type: type, text: "retry \(attempt) at \(Format.clock(retryAt)) after: \(error)", severity: .warning)
        case .opportunityFound(let rec):
            self.init(at: at, type: type, text: "\(rec.route) \(Format.amount(rec.amount)) \(rec.token.symbol) "
                + "\(Format.apy(rec.currentAPY)) → \(Format.apy(rec.expectedAPY))")
        case .gateVerdict(_, let analysis):
            self.init(at: at, type: type, text: analysis.failedGates.first.map { "rejected by \($0.name): \($0.reason)" }
                ?? "passed every gate, net \(Format.usd(analysis.netGainUSD))/yr")
        case .limitReached(let limit, let detail):
            self.init(at: at, type: type, text: "limit \(limit): \(detail)", severity: .warning)
        case .approvalRequested(let request):
            self.init(at: at, type: type, text: "approval needed: \(request.recommendation.route) "
                + "\(Format.amount(request.recommendation.amount)) until \(Format.clock(request.expiresAt))", severity: .warning)
        case .approvalResolved(_, let outcome, let detail):
            self.init(at: at, type: type, text: "approval \(outcome.rawValue): \(detail)",
                      severity: outcome == .rejectedOnRecheck ? .warning : .info)
        case .executionStarted(_, let rec, _):
            self.init(at: at, type: type, text: "executing \(rec.route) \(Format.amount(rec.amount)) \(rec.token.symbol)")
        case .stepStarted(_, let step):
            self.init(at: at, type: type, text: "step \(Format.stepName(step)) started")
        case .stepFinished(let record):
            let tx = record.txHash.map { " tx \($0)" } ?? ""
            self.init(at: at, type: type, text: "step \(Format.stepName(record.step)) \(record.status.rawValue)\(tx)"
                + (record.detail.map { ": \($0)" } ?? ""), severity: record.status == .failed ? .error : .info)
        case .executionFinished(let summary):
            self.init(at: at, type: type, text: "execution \(summary.status.rawValue): "
                + "\(summary.recommendation.route), gas \(Format.usd(summary.gasCostUSD))"
                + (summary.error.map { ": \($0)" } ?? ""), severity: summary.status == .succeeded ? .info : .error)
        case .error(let source, let message, _):
            self.init(at: at, type: type, text: "\(source): \(message)", severity: .error)
        case .notice(let source, let message, _):
            self.init(at: at, type: type, text: "\(source): \(message)", severity: .info)
        case .commandHandled(let client, let command, let accepted, let detail):
            self.init(at: at, type: type, text: "\(client): \(command) \(accepted ? "accepted" : "refused"): \(detail)",
                      severity: accepted ? .info : .warning)
        }
    }
}
