import Foundation
import MammonCore
import Store

/// Runs one recommendation through validation, balance check, withdraw, approve, deposit and
/// verification. Each transaction is signed, journaled (committed) and only then broadcast.
/// A failure after the withdraw leaves the execution `stranded`, loudly.
struct RebalanceExecutor {
    let chain: any ChainGateway
    let store: AppDatabase
    let clock: any EngineClock
    let limits: SafetyLimits
    let allowed: [LendingProtocol]
    /// Commits mutations with their events and publishes them.
    let record: ([StoreMutation], [EngineEvent.Kind]) throws -> Void

    struct Balances: CustomStringConvertible {
        var wallet: TokenAmount
        var from: TokenAmount?
        var to: TokenAmount
        var description: String {
            "wallet \(wallet), \(from.map { "source \($0), " } ?? "")target \(to)"
        }
    }

    func run(_ rec: RebalanceRecommendation, id: UUID, ethUSD: Decimal) async -> ExecutionSummary {
        let steps = ExecutionStep.plan(for: rec)
        var summary = ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: clock.now())
        do {
            try record([.executionStarted(summary, steps: steps)],
                       [.executionStarted(executionID: id, recommendation: rec, steps: steps)])
        } catch {
            summary.status = .failed
            summary.error = "could not record the execution: \(error)"
            return summary
        }

        var withdrawn = false
        var before: Balances?
        do {
            for step in steps {
                let started = clock.now()
                try record([.stepUpdated(StepRecord(executionID: id, step: step, status: .running, startedAt: started), day: started.utcDay)],
                           [.stepStarted(executionID: id, step: step)])
                var finished = StepRecord(executionID: id, step: step, status: .succeeded, startedAt: started)
                switch step {
                case .validation:
                    try validate(rec)
                    finished.detail = "amount \(rec.amount) \(rec.token), \(rec.route)"
                case .balanceCheck:
                    let b = try await balances(rec, step: step)
                    let available = rec.from == nil ? b.wallet : b.from!
                    guard available >= rec.amount else {
                        throw ExecutionError(step: step, message: "needs \(rec.amount) \(rec.token) but \(rec.from?.displayName ?? "the wallet") holds \(available)")
                    }
                    before = b
                    finished.detail = b.description
                case .withdraw, .approve, .deposit:
                    let action: ChainAction = switch step {
                    case .withdraw: .withdraw(rec.from!, rec.token, rec.amount, fullExit: before?.from == rec.amount)
                    case .approve: .approve(rec.token, spender: rec.to, rec.amount)
                    default: .deposit(rec.to, rec.token, rec.amount)
                    }
                    let receipt = try await send(action, executionID: id, step: step, started: started,
                                                 first: step == steps.first(where: \.sendsTransaction))
                    let gasUSD = receipt.feeUSD(ethUSD: ethUSD)
                    summary.gasUsed += receipt.gasUsed
                    summary.gasCostUSD += gasUSD
                    finished.txHash = receipt.hash
                    finished.gasUsed = receipt.gasUsed
                    finished.gasCostUSD = gasUSD
                    finished.detail = "block \(receipt.blockNumber)"
                    guard receipt.succeeded else {
                        finished.status = .failed
                        finished.finishedAt = clock.now()
                        finished.detail = "reverted: \(receipt.revertReason ?? "no reason given")"
                        try record([.stepUpdated(finished, day: started.utcDay)], [.stepFinished(finished)])
                        throw ExecutionError(step: step, message: "transaction \(receipt.hash) reverted: \(receipt.revertReason ?? "no reason given")")
                    }
                    if step == .withdraw { withdrawn = true }
                case .verification:
                    finished.detail = try await verify(rec, before: before!)
                }
                finished.finishedAt = clock.now()
                try record([.stepUpdated(finished, day: started.utcDay)], [.stepFinished(finished)])
            }
            summary.status = .succeeded
        } catch {
            let failure = error as? ExecutionError ?? ExecutionError(step: .validation, message: "\(error)")
            let depositDone = (try? store.steps(executionID: id))?.contains { $0.step == .deposit && $0.status == .succeeded } ?? false
            summary.status = withdrawn && !depositDone ? .stranded : .failed
            summary.failedStep = failure.step
            summary.error = summary.status == .stranded
                ? "\(failure.description) — \(rec.amount) \(rec.token) withdrawn from \(rec.from!.displayName) sits in the wallet; it will be redeployed when the gates allow, or move it by hand"
                : failure.description
            let now = clock.now()
            let failedRecord = StepRecord(executionID: id, step: failure.step, status: .failed, finishedAt: now, detail: failure.message)
            let remaining = steps.filter { $0 > failure.step }.map {
                StepRecord(executionID: id, step: $0, status: .skipped, detail: "not run after \(failure.step.rawValue) failed")
            }
            try? record(([failedRecord] + remaining).map { .stepUpdated($0, day: now.utcDay) },
                        [.stepFinished(failedRecord)])
        }
        summary.finishedAt = clock.now()
        var events: [EngineEvent.Kind] = [.executionFinished(summary)]
        if let e = summary.error { events.append(.error(source: "executor", message: "execution \(id.uuidString.prefix(8)) \(summary.status.rawValue): \(e)")) }
        try? record([.executionFinished(summary)], events)
        return summary
    }

    private func validate(_ rec: RebalanceRecommendation) throws {
        func fail(_ m: String) -> ExecutionError { ExecutionError(step: .validation, message: m) }
        guard !rec.amount.isZero else { throw fail("invalid amount: 0") }
        guard rec.from != rec.to else { throw fail("source and target are both \(rec.to.displayName)") }
        if let reason = rec.to.notMovableReason { throw fail(reason) }
        guard allowed.contains(rec.to) else { throw fail("\(rec.to.displayName) is not in SUPPORTED_PROTOCOLS") }
        let usd = YieldOptimizer.usd(rec.amount)
        guard usd <= limits.maxTransactionValueUSD else {
            throw fail("amount $\(usd.fixed(2)) exceeds the per-transaction cap $\(limits.maxTransactionValueUSD.fixed(2))")
        }
    }

    private func balances(_ rec: RebalanceRecommendation, step: ExecutionStep) async throws -> Balances {
        do {
            return Balances(wallet: try await chain.walletBalance(token: rec.token),
                            from: try await rec.from.asyncMap { try await chain.position(in: $0, token: rec.token) },
                            to: try await chain.position(in: rec.to, token: rec.token))
        } catch {
            throw ExecutionError(step: step, message: "balance read failed: \(error)")
        }
    }

    /// Sign, journal (durably), broadcast, wait. The journal is committed before anything leaves.
    private func send(_ action: ChainAction, executionID: UUID, step: ExecutionStep, started: Date,
                      first: Bool) async throws -> TransactionReceipt {
        let tx: PreparedTransaction
        do { tx = try await chain.prepare(action) } catch {
            throw ExecutionError(step: step, message: "not sent: \(error)")
        }
        let journal = StepRecord(executionID: executionID, step: step, status: .running, txHash: tx.hash, nonce: tx.nonce,
                                 startedAt: started)
        try record([.stepJournaled(journal, rawTransaction: tx.rawTransaction, countsAsRebalance: first, day: started.utcDay)], [])
        do { try await chain.broadcast(tx) } catch {
            throw ExecutionError(step: step, message: "broadcast of \(tx.hash) failed: \(error)")
        }
        try record([.stepBroadcast(executionID: executionID, step: step)], [])
        do { return try await chain.awaitReceipt(tx) } catch {
            throw ExecutionError(step: step, message: "no receipt for \(tx.hash): \(error)")
        }
    }

    /// Reads balances back and compares with what the move should have done. Exact on the
    /// simulated chain; a live market may add interest, so the target may hold slightly more.
    private func verify(_ rec: RebalanceRecommendation, before: Balances) async throws -> String {
        let after = try await balances(rec, step: .verification)
        var problems: [String] = []
        let expectedTo = before.to.adding(rec.amount)
        if after.to < expectedTo.subtracting(dust(rec.amount)) ?? expectedTo {
            problems.append("\(rec.to.displayName) holds \(after.to), expected at least \(expectedTo)")
        }
        if let from = rec.from, let fb = before.from, let fa = after.from {
            let expectedFrom = fb.subtracting(rec.amount) ?? TokenAmount.zero(rec.token)
            if fa > expectedFrom.adding(dust(rec.amount)) {
                problems.append("\(from.displayName) still holds \(fa), expected at most \(expectedFrom)")
            }
        }
        if after.wallet > before.wallet.adding(dust(rec.amount)) {
            problems.append("wallet holds \(after.wallet), expected \(before.wallet) (funds left behind)")
        }
        guard problems.isEmpty else {
            throw ExecutionError(step: .verification, message: "balance mismatch: " + problems.joined(separator: "; "))
        }
        return "before: \(before); after: \(after)"
    }

    /// Tolerance for interest accrued and rounding on live markets: 2 base units + 0.001 %.
    private func dust(_ amount: TokenAmount) -> TokenAmount {
        TokenAmount(baseUnits: 2 + amount.baseUnits / 100_000, decimals: amount.decimals)
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let v = self else { return nil }
        return try await f(v)
    }
}
