import Foundation
import MammonCore
import Store

/// The manual approval queue. Approving re-runs the scan, the market checks, the gates and the limits
/// at that moment: an approval can never bypass them.
extension Engine {
    func requestApproval(_ c: Candidate) {
        let now = clock.now()
        let request = ApprovalRequest(recommendation: c.recommendation, analysis: c.analysis, plan: c.plan,
                                      steps: ExecutionStep.plan(for: c.recommendation), requestedAt: now,
                                      expiresAt: now.addingTimeInterval(TimeInterval(config.approvalExpiryMinutes * 60)))
        // One open request per route: a newer proposal replaces the older one.
        for (id, old) in pendingApprovals where old.recommendation.from == c.recommendation.from && old.recommendation.to == c.recommendation.to {
            resolve(id, outcome: .cancelled, detail: "replaced by a newer proposal")
        }
        pendingApprovals[request.id] = request
        commit([.approval(request, resolvedAt: nil, detail: nil)], [.approvalRequested(request)])
    }

    func resolve(_ id: UUID, outcome: ApprovalRequest.Outcome, detail: String) {
        guard var request = pendingApprovals.removeValue(forKey: id) else {
            commit([], [.error(.approval, "no pending approval \(id.uuidString.prefix(8))")])
            return
        }
        request.outcome = outcome
        approvalClaims.removeValue(forKey: id)
        resolvedApprovals[id] = outcome == .rejectedOnRecheck ? "rejected on re-check (\(detail))" : "\(outcome.rawValue): \(detail)"
        commit([.approval(request, resolvedAt: clock.now(), detail: detail)],
               [.approvalResolved(recommendationID: id, outcome: outcome, detail: detail)])
    }

    func expireApprovals() {
        let now = clock.now()
        for (id, r) in pendingApprovals where r.expiresAt <= now {
            resolve(id, outcome: .expired, detail: "expired at \(r.expiresAt.iso8601)")
        }
    }

    func approve(_ id: UUID, by client: String) async {
        defer { approvalClaims.removeValue(forKey: id) }
        expireApprovals()
        guard let request = pendingApprovals[id] else {
            commit([], [.error(.approval, "no pending approval \(id.uuidString.prefix(8)) (expired or already resolved)")])
            return
        }
        guard persisted.schedulerState != .halted else {
            commit([], [.error(.approval, "cannot execute while halted (\(persisted.haltReason ?? "")); resume first")])
            return
        }
        guard beginExclusive() else {
            commit([], [.error(.approval, "a cycle is running; approve again when it finishes")])
            return
        }
        defer { endExclusive() }
        // Like a cycle: nothing new starts while an interrupted execution is unresolved.
        guard await reconcileInterrupted(continuing: true) else {
            commit([], [.error(.approval, "an interrupted execution is not reconciled yet; nothing sent, approve again once it is")])
            return
        }
        let rec = request.recommendation
        do {
            // Fresh rates and fees: the move must still pass everything now.
            let markets = try await chain.scanMarkets(token: rec.token)
            let conditions = try marketConditions(markets)
            // The market checks a new proposal gets, on today's scan: a manual yes cannot skip them.
            let source = rec.from.flatMap { from in markets.first { $0.quote.marketID == from } }
            let target = markets.first { $0.quote.marketID == rec.to }
            if let why = source.flatMap(optimizer.trust.sourceExclusion) ?? optimizer.trust.receiveExclusion(of: rec.amount, into: rec.to, markets: markets)
                ?? target.flatMap({ optimizer.guardExclusion($0, optimizer.condition($0, conditions)) }) {
                reportExclusions([why])
                resolve(id, outcome: .rejectedOnRecheck, detail: "market check fails now: \(why)")
                return
            }
            let fee = try await chain.feeQuote()
            // Rates judged again, and an exit only while its market still meets an exit rule.
            var current = optimizer.rejudged(rec, markets: markets, conditions: conditions)
            current.exit = source.flatMap { optimizer.condition($0, conditions).exit }
            let checks = guardChecks(current, markets: markets, conditions: conditions, lastMoves: try lastMoves())
            let candidate = try await evaluate(current, fee: fee, guards: checks)
            commit([], [.gateVerdict(recommendationID: id, analysis: candidate.analysis)])
            if !candidate.analysis.profitable {
                let failed = candidate.analysis.failedGates.map(\.reason).joined(separator: "; ")
                resolve(id, outcome: .rejectedOnRecheck, detail: "gates fail now: \(failed)")
                return
            }
            if let breach = try checkLimits(candidate) {
                commit([], [.limitReached(limit: breach.limit.rawValue, detail: breach.detail)])
                resolve(id, outcome: .rejectedOnRecheck, detail: "limit reached: \(breach.detail)")
                return
            }
            resolve(id, outcome: .approved, detail: "approved by \(client)")
            let summary = await execute(candidate, ethUSD: fee.ethUSD)
            saveState {
                if summary.status == .succeeded { $0.opportunitiesExecuted += 1 } else { $0.opportunitiesSkipped += 1 }
            }
        } catch {
            commit([], [.error(.approval, "re-check failed, nothing sent: \(error)")])
        }
    }
}
