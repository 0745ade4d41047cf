import Foundation

/// Which engine events an operator must hear about, and how loudly. Pure: the engine maps every
/// event it commits through `alerts(for:)` and queues the result in the same transaction.
///
/// Routing reads only typed fields (the event's kind, source, `AlertCode`, a halt's `emergency`),
/// never the words of a message: those may quote a node, and are free to change.
public enum AlertRules {
    /// Alerts for one event (most events give none).
    public static func alerts(for event: EngineEvent) -> [Alert] {
        switch event.kind {
        case .executionFinished(let s):
            let move = "\(s.recommendation.amount) \(s.recommendation.token) \(s.recommendation.route)"
            let short = s.id.uuidString.prefix(8)
            switch s.status {
            case .stranded:
                return [Alert(severity: .failure, title: "Funds stranded in the wallet",
                              message: "Execution \(short) (\(move)) withdrew the funds but did not deposit them: they sit idle in the wallet. \(s.error ?? "")"
                                .trimmingCharacters(in: .whitespaces),
                              groupKey: "execution.stranded:\(short)")]
            case .failed:
                let step = s.failedStep.map { " at \($0.rawValue)" } ?? ""
                return [Alert(severity: .warning, title: "Execution failed",
                              message: "Execution \(short) (\(move)) failed\(step): \(s.error ?? "no detail")",
                              groupKey: "execution.failed")]
            case .running, .succeeded, .abandoned:
                return []
            }
        case .schedulerHalted(let reason, let emergency):
            if emergency {
                return [Alert(severity: .failure, title: "Emergency stop",
                              message: "The engine is halted: \(reason). Nothing moves until an operator resumes it.", groupKey: "engine.emergency-stop")]
            }
            return [Alert(severity: .failure, title: "Circuit breaker tripped",
                          message: "The engine is halted: \(reason). Nothing moves until an operator resumes it (mammon resume).",
                          groupKey: "engine.breaker")]
        case .schedulerResumed:
            return [Alert(severity: .info, title: "Engine resumed", message: "The breaker and the emergency latch are cleared; the scheduler stays stopped until started.",
                          groupKey: "engine.resumed")]
        case .approvalRequested(let request):
            let rec = request.recommendation
            return [Alert(severity: .warning, title: "Approval waiting",
                          message: "Move \(rec.amount) \(rec.token) \(rec.route) (APY \(rec.currentAPY.fixed(2))% → \(rec.expectedAPY.fixed(2))%, "
                            + "net first-year gain $\(request.analysis.netGainUSD.fixed(2))) waits for approval \(rec.id.uuidString.prefix(8)); "
                            + "it expires at \(request.expiresAt.iso8601).",
                          groupKey: "approval.waiting:\(rec.id.uuidString.prefix(8))")]
        case .approvalResolved(let id, let outcome, let detail) where outcome == .expired:
            return [Alert(severity: .info, title: "Approval expired",
                          message: "Approval \(id.uuidString.prefix(8)) expired without an answer: \(detail)", groupKey: "approval.expired")]
        case .limitReached(let limit, let detail):
            return [Alert(severity: .warning, title: "Limit reached", message: "\(limit): \(detail)", groupKey: "limit.reached:\(limit)")]
        case .error(let source, let message, let code):
            return errorAlerts(source: source, message: message, code: code)
        case .notice(let source, let message, let code) where source == EngineLifecycle.source.rawValue:
            return code.flatMap { EngineLifecycle.alert(for: $0, message: message) }.map { [$0] } ?? []
        case .notice(let source, let message, _) where source == DailyReport.source.rawValue:
            return [Alert(severity: .info, title: "Daily report", message: message, groupKey: DailyReport.groupKey)]
        default:
            return []
        }
    }

    public static func alerts(for events: [EngineEvent]) -> [Alert] { events.flatMap(alerts(for:)) }

    /// Error events worth waking someone for, by their code (set from LiveChainError, RPCError and
    /// the executor's replacement) and their source.
    static func errorAlerts(source: String, message: String, code: AlertCode?) -> [Alert] {
        var alerts: [Alert] = []
        if code == .priceFeedUnusable {
            alerts.append(Alert(severity: .failure, title: "Price feed unusable",
                                message: "Spending is blocked: \(message)", groupKey: "price.feed"))
        }
        if code == .fenceBroaderThanPlan {
            alerts.append(Alert(severity: .failure, title: "Fenced treasury: role broader than its plan",
                                message: "\(message). The engine is halted; check the Safe's Roles module (mammon treasury check) before resuming.",
                                groupKey: "treasury.fence"))
        }
        if code == .operatorGasLow {
            alerts.append(Alert(severity: .warning, title: "Fenced treasury: operator gas low", message: message, groupKey: "treasury.gas"))
        }
        if source == EventSource.market.rawValue {
            alerts.append(Alert(severity: .failure, title: "Market data out of bounds", message: message, groupKey: "market.bounds"))
        }
        if code == .rpcUnreachable {
            alerts.append(Alert(severity: .failure, title: "RPC endpoints failing",
                                message: "The node cannot be reached (\(source)): \(message)", groupKey: "rpc.unreachable"))
        }
        if source == EventSource.executor.rawValue, code == .transactionReplaced || code == .transactionCancelled {
            let cancelled = code == .transactionCancelled
            alerts.append(Alert(severity: .warning, title: cancelled ? "Stuck transaction cancelled" : "Stuck transaction replaced",
                                message: message, groupKey: "transaction.stuck"))
        }
        return alerts
    }
}
