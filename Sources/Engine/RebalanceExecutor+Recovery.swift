import Foundation
import MammonCore
import Store

/// Picking up an execution a crash interrupted. Recovery finishes only what was sent: a journaled
/// transaction is reconciled with the chain (mined, pending, or resent with its journaled bytes).
/// A step that was never journaled is never signed by recovery, with one exception decided by
/// today's checks: funds already withdrawn may be finished into the target (see `Continuation`).
/// Under a halt or an emergency stop recovery only looks receipts up: journaled bytes the node does
/// not know are not resent and a stuck attempt is not replaced (see `refuseWhileHalted`).
extension RebalanceExecutor {
    /// Whether recovery may sign the rest of a move whose withdraw was mined.
    enum Continuation {
        /// Not now: leave the execution running for the next cycle (which has today's checks).
        case deferred
        /// The engine is not halted: finish the move if the target is allowed and it fits the limits.
        case allowed
        /// The engine is halted or emergency-stopped: the withdrawn funds stay idle (stranded).
        case refused(String)
    }

    /// What became of an interrupted execution.
    enum RecoveryOutcome {
        case closed(ExecutionSummary)
        /// Withdrawn funds wait for a continuation the caller deferred.
        case awaitingContinuation
    }

    func resume(_ summary: ExecutionSummary, continuation: Continuation, recoveryGasCeilingUSD: Decimal, fee: FeeQuote) async throws -> RecoveryOutcome {
        let rec = summary.recommendation
        let plan = ExecutionStep.plan(for: rec)
        var progress = Progress(summary: summary)
        // Reads that decide what recovery does: a failure stops recovery, it is never an empty journal.
        let journal = try store.journal(executionID: summary.id)
        progress.before = try store.balancesBefore(executionID: summary.id)
        progress.beforeAt = journal.first { $0.record.step == .balanceCheck }.flatMap { $0.record.finishedAt ?? $0.record.startedAt }
        progress.sentTransaction = journal.contains { $0.rawTransaction != nil }
        let short = summary.id.uuidString.prefix(8)

        guard progress.sentTransaction else {
            return .closed(await abandon(&progress, reason: "interrupted before any transaction was signed and journaled: nothing happened on chain; the next cycle decides afresh through every gate and limit"))
        }
        for j in journal where j.record.status == .succeeded {
            progress.summary.gasUsed += j.record.gasUsed ?? 0
            progress.summary.gasCostUSD += j.record.gasCostUSD ?? 0
            if j.record.step == .withdraw { progress.withdrawn = true }
            if j.record.step == .deposit { progress.deposited = true }
        }
        do {
            // Every journaled transaction that is not settled yet, in plan order.
            for j in journal where j.record.step.sendsTransaction && j.rawTransaction != nil && j.record.status != .succeeded {
                let step = j.record.step
                guard let hash = j.record.txHash, let raw = j.rawTransaction, let nonce = j.record.nonce else { continue }
                try await record([], [.notice(.recovery, "reconciling execution \(short) (\(rec.route), \(rec.amount) \(rec.token)): \(step.rawValue) \(hash) was journaled before the restart")])
                let action = Self.action(for: step, rec, before: progress.before)
                var attempts = try store.attempts(executionID: summary.id, step: step).map {
                    PreparedTransaction(hash: $0.hash, rawTransaction: $0.rawTransaction, nonce: $0.nonce, gasLimit: 0, action: action,
                                        maxFeePerGasWei: $0.maxFeePerGasWei, maxPriorityFeePerGasWei: $0.maxPriorityFeePerGasWei,
                                        isCancellation: $0.isCancellation)
                }
                if attempts.isEmpty { attempts = [PreparedTransaction(hash: hash, rawTransaction: raw, nonce: nonce, gasLimit: 0, action: action)] }
                let receipt = try await reconcile(attempts, executionID: summary.id, step: step)
                var finished = StepRecord(executionID: summary.id, step: step, status: .succeeded, startedAt: j.record.startedAt)
                try await settle(receipt, step: step, started: j.record.startedAt ?? clock.now(), into: &finished, progress: &progress, ethUSD: fee.ethUSD)
                finished.finishedAt = clock.now()
                finished.detail = "\(finished.detail ?? ""), reconciled after restart"
                try await record([.stepUpdated(finished, day: clock.now().utcDay)], [.stepFinished(finished)])
            }
        } catch {
            return .closed(await close(&progress, error))
        }

        // What is left: steps after the last one that sent a transaction.
        let lastSent = plan.last { step in journal.contains { $0.record.step == step && $0.rawTransaction != nil } }!
        let remaining = Array(plan.drop { $0 <= lastSent })
        let unsent = remaining.filter(\.sendsTransaction)
        guard !unsent.isEmpty else { return .closed(await proceed(&progress, steps: remaining, ethUSD: fee.ethUSD)) }
        guard progress.withdrawn else {
            // An idle deployment whose approve was mined: the funds never left the wallet.
            return .closed(await close(&progress, ExecutionError(step: unsent[0], message: "interrupted before the \(unsent[0].rawValue) was signed; recovery signs nothing new, so \(rec.amount) \(rec.token) stays idle in the wallet for the next cycle to decide")))
        }
        switch continuation {
        case .deferred:
            return .awaitingContinuation
        case .refused(let why):
            return .closed(await close(&progress, ExecutionError(step: unsent[0], message: "not finishing the move: \(why)")))
        case .allowed:
            do {
                guard allowed.contains(rec.to) else {
                    throw ExecutionError(step: unsent[0], message: "not finishing the move: \(rec.to.displayName) is no longer in SUPPORTED_PROTOCOLS")
                }
                // The market checks a new proposal gets, on a scan made now.
                let markets: [MarketSnapshot]
                do { markets = try await chain.scanMarkets(token: rec.token) } catch {
                    throw ExecutionError(step: unsent[0], message: "not finishing the move: \(rec.to.displayName) cannot be checked now (market scan failed: \(error))")
                }
                if let why = trust.receiveExclusion(of: rec.amount, into: rec.to, markets: markets) {
                    throw ExecutionError(step: unsent[0], message: "not finishing the move: \(why)")
                }
                var worstUnits: UInt64 = 0
                for step in unsent {
                    worstUnits += try await chain.gasLimitCap(Self.action(for: step, rec, before: progress.before))
                }
                let cost = (Decimal(worstUnits) * fee.maxFeePerGasGwei).shifted(by: -9) * fee.ethUSD
                guard cost <= recoveryGasCeilingUSD else {
                    throw ExecutionError(step: unsent[0], message: "finishing the move could cost $\(cost.fixed(4)) in gas, above RECOVERY_MAX_GAS_USD $\(recoveryGasCeilingUSD.fixed(2))")
                }
                let spent = try await engine.todaysBudget().gasUSD
                guard spent + cost <= limits.maxGasPerDayUSD else {
                    throw ExecutionError(step: unsent[0], message: "finishing the move could cost $\(cost.fixed(4)) in gas; with $\(spent.fixed(4)) spent today that passes MAX_GAS_PER_DAY_USD $\(limits.maxGasPerDayUSD.fixed(2))")
                }
            } catch {
                return .closed(await close(&progress, error))
            }
            try await record([], [.notice(.recovery, "execution \(short): \(rec.amount) \(rec.token) withdrawn before the restart; finishing it into \(rec.to.displayName) (\(unsent.map(\.rawValue).joined(separator: ", ")))")])
            return .closed(await proceed(&progress, steps: remaining, ethUSD: fee.ethUSD))
        }
    }

    /// Closes an execution recovery will not finish, with the reason, and says so.
    private func close(_ progress: inout Progress, _ error: any Error) async -> ExecutionSummary {
        await fail(&progress, error)
        progress.summary.finishedAt = clock.now()
        try? await record([.executionFinished(progress.summary)], [.executionFinished(progress.summary),
                    .error(.recovery, "execution \(progress.summary.id.uuidString.prefix(8)) \(progress.summary.status.rawValue): \(progress.summary.error ?? "")",
                           code: progress.failureCode)])
        return progress.summary
    }

    /// Closes an execution that never sent anything: every step skipped, nothing on chain.
    private func abandon(_ progress: inout Progress, reason: String) async -> ExecutionSummary {
        let id = progress.summary.id
        let now = clock.now()
        progress.summary.status = .abandoned
        progress.summary.error = reason
        progress.summary.finishedAt = now
        let steps = ExecutionStep.plan(for: progress.summary.recommendation).map {
            StepRecord(executionID: id, step: $0, status: .skipped, finishedAt: now, detail: "not run: the execution was abandoned after a restart")
        }
        try? await record(steps.map { .stepUpdated($0, day: now.utcDay) } + [.executionFinished(progress.summary)],
                    [.executionFinished(progress.summary),
                     .notice(.recovery, "execution \(id.uuidString.prefix(8)) (\(progress.summary.recommendation.route)) abandoned: \(reason)")])
        return progress.summary
    }

    /// The receipt of a journaled step: any attempt already mined wins; a pending one is waited for
    /// (and replaced if stuck); if the node knows none of them, the newest journaled bytes are resent.
    private func reconcile(_ attempts: [PreparedTransaction], executionID: UUID, step: ExecutionStep) async throws -> TransactionReceipt {
        var statuses: [TransactionStatus] = []
        for a in attempts {
            do { statuses.append(try await chain.transactionStatus(a)) } catch {
                throw ExecutionError(step: step, message: "could not learn the fate of \(a.hash): \(error)", cause: error)
            }
        }
        for case .mined(let receipt) in statuses { return receipt }
        if !statuses.contains(.pending) {
            guard statuses.contains(.unknown) else {
                throw ExecutionError(step: step, message: "nonce \(attempts[0].nonce) was used by another transaction; none of this step's \(attempts.count) attempt(s) will be mined")
            }
            try await send(attempts[attempts.count - 1], executionID: executionID, step: step, attempt: attempts.count - 1)
        }
        return try await mined(attempts, executionID: executionID, step: step)
    }
}
