import Foundation
import MammonCore
import Store

/// Picking up an execution a crash interrupted. The journal says which transaction was in flight;
/// the chain says what became of it. Nothing is signed twice: an unknown transaction is resent with
/// its journaled bytes, and only then do the remaining steps run.
extension RebalanceExecutor {
    func resume(_ summary: ExecutionSummary, recoveryGasCeilingUSD: Decimal, fee: FeeQuote) async -> ExecutionSummary {
        let rec = summary.recommendation
        let plan = ExecutionStep.plan(for: rec)
        var progress = Progress(summary: summary)
        let journal = (try? store.journal(executionID: summary.id)) ?? []
        progress.before = try? store.balancesBefore(executionID: summary.id)
        progress.withdrawn = journal.contains { $0.record.step == .withdraw && $0.record.status == .succeeded }
        progress.sentTransaction = journal.contains { $0.rawTransaction != nil }
        for j in journal where j.record.status == .succeeded {
            progress.summary.gasUsed += j.record.gasUsed ?? 0
            progress.summary.gasCostUSD += j.record.gasCostUSD ?? 0
        }
        guard let next = plan.first(where: { step in journal.first { $0.record.step == step }?.record.status != .succeeded }) else {
            return await proceed(&progress, steps: [], ethUSD: fee.ethUSD)
        }
        var remaining = Array(plan.drop { $0 != next })
        do {
            try record([], [.error(source: "recovery", message: "resuming execution \(summary.id.uuidString.prefix(8)) (\(rec.route), \(rec.amount) \(rec.token)) at \(next.rawValue)")])
            if let inFlight = journal.first(where: { $0.record.step == next }), next.sendsTransaction,
               let hash = inFlight.record.txHash, let raw = inFlight.rawTransaction, let nonce = inFlight.record.nonce {
                let action = Self.action(for: next, rec, before: progress.before)
                var attempts = try store.attempts(executionID: summary.id, step: next).map {
                    PreparedTransaction(hash: $0.hash, rawTransaction: $0.rawTransaction, nonce: $0.nonce, gasLimit: 0, action: action,
                                        maxFeePerGasWei: $0.maxFeePerGasWei, maxPriorityFeePerGasWei: $0.maxPriorityFeePerGasWei)
                }
                if attempts.isEmpty { attempts = [PreparedTransaction(hash: hash, rawTransaction: raw, nonce: nonce, gasLimit: 0, action: action)] }
                let receipt = try await reconcile(attempts, executionID: summary.id, step: next)
                var finished = StepRecord(executionID: summary.id, step: next, status: .succeeded, startedAt: inFlight.record.startedAt)
                try settle(receipt, step: next, started: inFlight.record.startedAt ?? clock.now(), into: &finished,
                           progress: &progress, ethUSD: fee.ethUSD)
                finished.finishedAt = clock.now()
                finished.detail = "\(finished.detail ?? ""), reconciled after restart"
                try record([.stepUpdated(finished, day: clock.now().utcDay)], [.stepFinished(finished)])
                remaining.removeFirst()
            }
            // Funds out of the old market and not yet in the new one: finish the move only if the
            // rest of it fits under the recovery gas ceiling.
            if progress.withdrawn, remaining.contains(.deposit) {
                var units: UInt64 = 0
                for step in remaining where step.sendsTransaction {
                    units += try await chain.gasEstimate(Self.action(for: step, rec, before: progress.before))
                }
                let cost = (Decimal(units) * fee.maxFeePerGasGwei).shifted(by: -9) * fee.ethUSD
                guard cost <= recoveryGasCeilingUSD else {
                    throw ExecutionError(step: remaining.first!, message: "finishing the move would cost $\(cost.fixed(4)) in gas, above RECOVERY_MAX_GAS_USD $\(recoveryGasCeilingUSD.fixed(2))")
                }
            }
        } catch {
            fail(&progress, error)
            progress.summary.finishedAt = clock.now()
            try? record([.executionFinished(progress.summary)], [.executionFinished(progress.summary),
                        .error(source: "recovery", message: "execution \(summary.id.uuidString.prefix(8)) \(progress.summary.status.rawValue): \(progress.summary.error ?? "")")])
            return progress.summary
        }
        return await proceed(&progress, steps: remaining, ethUSD: fee.ethUSD)
    }

    /// The receipt of a journaled step: any attempt already mined wins; a pending one is waited for
    /// (and replaced if stuck); if the node knows none of them, the newest journaled bytes are resent.
    private func reconcile(_ attempts: [PreparedTransaction], executionID: UUID, step: ExecutionStep) async throws -> TransactionReceipt {
        var statuses: [TransactionStatus] = []
        for a in attempts {
            do { statuses.append(try await chain.transactionStatus(a)) } catch {
                throw ExecutionError(step: step, message: "could not learn the fate of \(a.hash): \(error)")
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
