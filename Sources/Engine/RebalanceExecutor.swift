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
    let allowed: [MarketID]
    /// The market checks a target must pass before money goes in (recovery continuations too).
    let trust: MarketTrust
    /// How long a transaction may stay unmined before it is replaced, and how many times.
    let stuckTimeout: TimeInterval
    let maxReplacements: Int
    /// The engine it runs on. Its async work runs on the engine's executor (see Package.swift), so
    /// these awaits do not hop; they are checked by the compiler rather than assumed at run time.
    let engine: Engine

    /// Commits mutations with their events through the engine, which publishes them.
    func record(_ mutations: [StoreMutation], _ kinds: [EngineEvent.Kind]) async throws {
        try await engine.record(mutations, kinds)
    }

    /// Publishes the scheduler status (today's rebalances and gas) while the execution runs.
    func statusChanged() async { await engine.publishStatus() }

    /// Where an execution stands: what it has done that later steps depend on.
    struct Progress {
        var summary: ExecutionSummary
        var before: BalanceSnapshot?
        /// When `before` was read: the source keeps earning interest until verification reads it again.
        var beforeAt: Date?
        var withdrawn = false
        var deposited = false
        var sentTransaction = false
        /// The alert of the error the execution failed with, if any.
        var failureCode: AlertCode?
        /// The most the move's transactions may cost, as the gate approved it; nil where no gate ran
        /// (recovery), and the daily limits alone hold.
        var approvedWorstWei: UInt128?
        /// The worst case of the steps signed so far (each step's latest signature).
        var signedWorstWei: UInt128 = 0

        /// The move's gas budget for a signature of the next step.
        var gasBudget: MoveGasBudget? {
            approvedWorstWei.map { MoveGasBudget(approvedWei: $0, earlierStepsWei: signedWorstWei) }
        }
        /// The balances verification read, to be committed with the step that closes it.
        var observed: (mutations: [StoreMutation], event: EngineEvent.Kind)?
    }

    /// What the gate approved for the move and what earlier steps may already cost: no signature may
    /// take the move past the approval × (100 + `marginPercent`) / 100 (room for fee raises).
    struct MoveGasBudget {
        static let marginPercent: UInt128 = 50
        var approvedWei: UInt128
        var earlierStepsWei: UInt128

        var capWei: UInt128 {
            let (scaled, overflow) = approvedWei.multipliedReportingOverflow(by: 100 + Self.marginPercent)
            return overflow ? .max : scaled / 100
        }
    }

    func run(_ rec: RebalanceRecommendation, id: UUID, ethUSD: Decimal, approvedWorstWei: UInt128? = nil) async -> ExecutionSummary {
        let steps = ExecutionStep.plan(for: rec)
        var progress = Progress(summary: ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: clock.now()))
        progress.approvedWorstWei = approvedWorstWei
        do {
            try await record([.executionStarted(progress.summary, steps: steps)],
                       [.executionStarted(executionID: id, recommendation: rec, steps: steps)])
        } catch {
            progress.summary.status = .failed
            progress.summary.error = "could not record the execution: \(error)"
            return progress.summary
        }
        return await proceed(&progress, steps: steps, ethUSD: ethUSD)
    }

    /// Runs `steps` in order, then closes the execution (succeeded, failed or stranded).
    func proceed(_ progress: inout Progress, steps: [ExecutionStep], ethUSD: Decimal) async -> ExecutionSummary {
        let rec = progress.summary.recommendation
        let id = progress.summary.id
        do {
            for step in steps {
                let started = clock.now()
                try await record([.stepUpdated(StepRecord(executionID: id, step: step, status: .running, startedAt: started), day: started.utcDay)],
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
                    progress.before = b
                    progress.beforeAt = started
                    try await record([.balancesBefore(executionID: id, b)], [])
                    finished.detail = b.description
                case .withdraw, .approve, .deposit:
                    try await refuseWhileHalted(step, "not prepared or signed")
                    let action = Self.action(for: step, rec, before: progress.before)
                    let tx: PreparedTransaction
                    do { tx = try await chain.prepare(action) } catch {
                        throw ExecutionError(step: step, message: "not sent: \(error)", cause: error)
                    }
                    let worstWei = try await checkWorstCaseGas(tx, step: step, move: progress.gasBudget)
                    let journal = StepRecord(executionID: id, step: step, status: .running, txHash: tx.hash, nonce: tx.nonce, startedAt: started)
                    try await record([.stepJournaled(journal, rawTransaction: tx.rawTransaction, countsAsRebalance: !progress.sentTransaction,
                                               day: started.utcDay),
                                .attemptJournaled(executionID: id, step: step, attempt: 0, tx, at: started)], [])
                    // The move counts against today's limit from its first transaction: say so now, not at the end.
                    if !progress.sentTransaction { await statusChanged() }
                    progress.sentTransaction = true
                    Failpoint.check("journaled:\(step.rawValue)")
                    try await send(tx, executionID: id, step: step, attempt: 0)
                    Failpoint.check("broadcast:\(step.rawValue)")
                    let receipt = try await mined([tx], executionID: id, step: step, move: progress.gasBudget)
                    progress.signedWorstWei = Self.saturatingSum(progress.signedWorstWei, worstWei)
                    try await settle(receipt, step: step, started: started, into: &finished, progress: &progress, ethUSD: ethUSD)
                case .verification:
                    Failpoint.check("verification")
                    guard let before = progress.before else {
                        throw ExecutionError(step: step, message: "no balances from before the move to compare with")
                    }
                    let after = try await balances(rec, step: .verification)
                    // Read now, they are the current positions whatever the comparison says.
                    progress.observed = await engine.verifiedPositions(id, rec, after)
                    finished.detail = try verify(rec, before: before, after: after, since: progress.beforeAt ?? started)
                }
                finished.finishedAt = clock.now()
                let observed = progress.observed
                progress.observed = nil
                try await record([.stepUpdated(finished, day: started.utcDay)] + (observed?.mutations ?? []),
                                 [.stepFinished(finished)] + (observed.map { [$0.event] } ?? []))
                if finished.gasCostUSD != nil { await statusChanged() } // today's gas moved
                Failpoint.check("mined:\(step.rawValue)")
            }
            progress.summary.status = .succeeded
        } catch {
            await fail(&progress, error)
        }
        progress.summary.finishedAt = clock.now()
        var events: [EngineEvent.Kind] = [.executionFinished(progress.summary)]
        if let e = progress.summary.error {
            events.append(.error(.executor, "execution \(id.uuidString.prefix(8)) \(progress.summary.status.rawValue): \(e)", code: progress.failureCode))
        }
        try? await record([.executionFinished(progress.summary)], events)
        return progress.summary
    }

    /// Broadcasts a journaled attempt and marks it sent. Under a halt only a cancellation (an explicit
    /// operator command) leaves; anything else stays journaled and unsent.
    func send(_ tx: PreparedTransaction, executionID: UUID, step: ExecutionStep, attempt: Int) async throws {
        if !tx.isCancellation { try await refuseWhileHalted(step, "\(tx.hash) (nonce \(tx.nonce)) not broadcast") }
        do { try await chain.broadcast(tx) } catch {
            throw ExecutionError(step: step, message: "broadcast of \(tx.hash) failed: \(error)", cause: error)
        }
        try await record([.attemptBroadcast(executionID: executionID, step: step, attempt: attempt)], [])
    }

    /// Waits for one of the step's attempts to be mined. An attempt not mined within the stuck timeout
    /// is replaced at the same nonce with both fees raised (journaled before it is sent), up to
    /// `maxReplacements` times; an earlier attempt that got mined meanwhile wins.
    func mined(_ attempts: [PreparedTransaction], executionID: UUID, step: ExecutionStep, move: MoveGasBudget? = nil) async throws -> TransactionReceipt {
        var attempts = attempts
        while true {
            let latest = attempts[attempts.count - 1]
            let receipt: TransactionReceipt?
            do { receipt = try await chain.awaitReceipt(latest, timeout: stuckTimeout) } catch {
                throw ExecutionError(step: step, message: "no receipt for \(latest.hash): \(error)", cause: error)
            }
            if let receipt { return try cancelled(receipt, attempts, step: step) }
            for earlier in attempts.dropLast() {
                if case .mined(let r) = try await chain.transactionStatus(earlier) { return try cancelled(r, attempts, step: step) }
            }
            let cancel = await engine.cancellationRequested(executionID) && !latest.isCancellation
            if !cancel {
                try await refuseWhileHalted(step, "\(latest.hash) (nonce \(latest.nonce)) not mined within \(Int(stuckTimeout)) s and not replaced; it stays journaled")
            }
            guard cancel || attempts.count <= maxReplacements else {
                throw ExecutionError(step: step, message: "\(latest.hash) (nonce \(latest.nonce)) is still not mined after \(maxReplacements) fee raise(s); it stays journaled and recovery keeps watching it")
            }
            let next: PreparedTransaction
            do { next = cancel ? try await chain.cancellation(for: latest) : try await chain.replacement(for: latest) } catch {
                throw ExecutionError(step: step, message: "\(latest.hash) is stuck and cannot be \(cancel ? "cancelled" : "replaced"): \(error)", cause: error)
            }
            _ = try await checkWorstCaseGas(next, step: step, move: move)
            let cancelling = next.isCancellation && !latest.isCancellation
            let what = cancelling ? "cancelled by a zero-value self-transfer \(next.hash)" : "replaced by \(next.hash)"
            try await record([.attemptJournaled(executionID: executionID, step: step, attempt: attempts.count, next, at: clock.now())],
                       [.error(.executor, "\(step.rawValue): \(latest.hash) not mined within \(Int(stuckTimeout)) s; \(what) at nonce \(next.nonce) with higher fees",
                               code: cancelling ? .transactionCancelled : .transactionReplaced)])
            Failpoint.check("replacement-journaled:\(step.rawValue)")
            try await send(next, executionID: executionID, step: step, attempt: attempts.count)
            attempts.append(next)
        }
    }

    /// Under a halt or an emergency stop nothing is prepared, signed, broadcast or replaced: the step
    /// fails here, saying why (funds already withdrawn make the execution stranded, which alerts).
    func refuseWhileHalted(_ step: ExecutionStep, _ what: String) async throws {
        guard let reason = await engine.spendingHalt() else { return }
        throw ExecutionError(step: step, message: "\(what): the engine is halted (\(reason)); nothing is signed or sent until an operator resumes")
    }

    /// A receipt of one of the step's attempts; a mined cancellation fails the step, saying so.
    func cancelled(_ receipt: TransactionReceipt, _ attempts: [PreparedTransaction], step: ExecutionStep) throws -> TransactionReceipt {
        guard let tx = attempts.first(where: { $0.hash == receipt.hash }), tx.isCancellation else { return receipt }
        throw ExecutionError(step: step, message: "cancelled by the operator: nonce \(tx.nonce) now holds the zero-value self-transfer \(tx.hash); the \(step.rawValue) was never mined")
    }

    /// Records a mined transaction's outcome on the step; a revert fails the step with its reason.
    func settle(_ receipt: TransactionReceipt, step: ExecutionStep, started: Date, into finished: inout StepRecord,
                progress: inout Progress, ethUSD: Decimal) async throws {
        let gasUSD = receipt.feeUSD(ethUSD: ethUSD)
        progress.summary.gasUsed += receipt.gasUsed
        progress.summary.gasCostUSD += gasUSD
        finished.txHash = receipt.hash
        finished.gasUsed = receipt.gasUsed
        finished.gasCostUSD = gasUSD
        finished.detail = "block \(receipt.blockNumber)" + (receipt.note.map { "; \($0)" } ?? "")
        guard receipt.succeeded else {
            finished.status = .failed
            finished.finishedAt = clock.now()
            finished.detail = "reverted: \(receipt.revertReason ?? "no reason given")"
            try await record([.stepUpdated(finished, day: started.utcDay)], [.stepFinished(finished)])
            throw ExecutionError(step: step, message: "transaction \(receipt.hash) reverted: \(receipt.revertReason ?? "no reason given")")
        }
        if step == .withdraw { progress.withdrawn = true }
        if step == .deposit { progress.deposited = true }
    }

    /// Before every signature is journaled (first, replacement, cancellation): the most it can cost
    /// (gas limit × max fee + the L1 data fee, priced with a fresh ETH/USD) must fit today's gas limits,
    /// in ETH and in USD, with what is already spent, and, within a gated move, the gate's approval
    /// with its margin. Only one signature per nonce can be mined, so a replacement counts alone.
    /// Returns the signature's worst case in wei.
    @discardableResult
    func checkWorstCaseGas(_ tx: PreparedTransaction, step: ExecutionStep, move: MoveGasBudget?) async throws -> UInt128 {
        guard let maxFee = tx.maxFeePerGasWei else {
            throw ExecutionError(step: step, message: "not sent: the signed transaction's max fee is unknown, so its worst-case cost cannot be checked")
        }
        let fee: FeeQuote
        do { fee = try await chain.feeQuote() } catch {
            throw ExecutionError(step: step, message: "not sent: no fresh ETH/USD and L1 fee to price its worst case against today's gas limit (\(error))",
                                 cause: error)
        }
        let (execution, overflow) = UInt128(tx.gasLimit).multipliedReportingOverflow(by: maxFee)
        let worstWei = overflow ? UInt128.max : Self.saturatingSum(execution, fee.l1FeeWeiPerTransaction)
        // The L1 fee in USD as the chain quotes it (a chain that knows no wei figure still knows this).
        let worstUSD = fee.usd(wei: overflow ? .max : execution) + max(fee.l1FeeUSDPerTransaction, fee.usd(wei: fee.l1FeeWeiPerTransaction))
        let spentUSD: Decimal, spentWei: UInt128
        do {
            spentUSD = try await engine.todaysBudget().gasUSD
            spentWei = try await engine.todaysGasWei()
        } catch {
            throw ExecutionError(step: step, message: "not sent: today's gas spend cannot be read (\(error))", cause: error)
        }
        let what = "gas limit \(tx.gasLimit) × max fee \(maxFee) wei + L1 fee \(fee.l1FeeWeiPerTransaction) wei"
        if let refusal = limits.gasRefusal(spentWei: spentWei, spentUSD: spentUSD, worstWei: worstWei, worstUSD: worstUSD) {
            throw ExecutionError(step: step, message: "not sent: \(refusal) (\(what))")
        }
        if let move {
            let total = Self.saturatingSum(move.earlierStepsWei, worstWei)
            guard total <= move.capWei else {
                throw ExecutionError(step: step, message: "not sent: with the move's earlier steps it may cost up to \(SafetyLimits.eth(total)) ETH (\(what)), more than the \(SafetyLimits.eth(move.approvedWei)) ETH the gate approved + \(MoveGasBudget.marginPercent) %")
            }
        }
        return worstWei
    }

    static func saturatingSum(_ a: UInt128, _ b: UInt128) -> UInt128 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// Marks the failed step and those after it, and decides failed versus stranded.
    func fail(_ progress: inout Progress, _ error: any Error) async {
        let rec = progress.summary.recommendation
        let id = progress.summary.id
        let failure = error as? ExecutionError ?? ExecutionError(step: .validation, message: "\(error)", cause: error)
        progress.summary.status = progress.withdrawn && !progress.deposited ? .stranded : .failed
        progress.summary.failedStep = failure.step
        progress.failureCode = failure.alertCode
        progress.summary.error = progress.summary.status == .stranded
            ? "\(failure.description) — \(rec.amount) \(rec.token) withdrawn from \(rec.from!.displayName) sits in the wallet; it will be redeployed when the gates allow, or move it by hand"
            : failure.description
        let now = clock.now()
        let failedRecord = StepRecord(executionID: id, step: failure.step, status: .failed, finishedAt: now, detail: failure.message)
        let remaining = ExecutionStep.plan(for: rec).filter { $0 > failure.step }.map {
            StepRecord(executionID: id, step: $0, status: .skipped, detail: "not run after \(failure.step.rawValue) failed")
        }
        let observed = progress.observed
        progress.observed = nil
        try? await record(([failedRecord] + remaining).map { .stepUpdated($0, day: now.utcDay) } + (observed?.mutations ?? []),
                          [.stepFinished(failedRecord)] + (observed.map { [$0.event] } ?? []))
    }

    static func action(for step: ExecutionStep, _ rec: RebalanceRecommendation, before: BalanceSnapshot?) -> ChainAction {
        switch step {
        case .withdraw: .withdraw(rec.from!, rec.token, rec.amount, fullExit: before?.from == rec.amount)
        case .approve: .approve(rec.token, spender: rec.to, rec.amount)
        default: .deposit(rec.to, rec.token, rec.amount)
        }
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

    func balances(_ rec: RebalanceRecommendation, step: ExecutionStep) async throws -> BalanceSnapshot {
        do {
            var from: TokenAmount?
            if let source = rec.from { from = try await chain.position(in: source, token: rec.token) }
            return BalanceSnapshot(wallet: try await chain.walletBalance(token: rec.token), from: from,
                                   to: try await chain.position(in: rec.to, token: rec.token))
        } catch {
            throw ExecutionError(step: step, message: "balance read failed: \(error)", cause: error)
        }
    }

    /// Compares the balances read back with what the move should have done. A market adds interest
    /// (on the simulated chain too) between `since`, when `before` was read, and now: the target may
    /// hold slightly more, and so may the source: what stayed in it earns, and so did the part moved
    /// until its withdrawal mined. After a restart that gap is the whole time the engine was down, hours
    /// or days, so the source's allowance grows with it.
    func verify(_ rec: RebalanceRecommendation, before: BalanceSnapshot, after: BalanceSnapshot, since: Date) throws -> String {
        var problems: [String] = []
        let expectedTo = before.to.adding(rec.amount)
        if after.to < expectedTo.subtracting(dust(rec.amount)) ?? expectedTo {
            problems.append("\(rec.to.displayName) holds \(after.to), expected at least \(expectedTo)")
        }
        if let from = rec.from, let fb = before.from, let fa = after.from {
            let expectedFrom = fb.subtracting(rec.amount) ?? TokenAmount.zero(rec.token)
            // Until the withdrawal mined the whole balance earned, the part moved included: a move
            // resumed after hours down leaves that interest behind (an exact-amount withdrawal).
            if fa > expectedFrom.adding(dust(rec.amount)).adding(Self.accrual(on: fb, over: clock.now().timeIntervalSince(since))) {
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

    /// The most interest `balance` can have earned in `seconds` at 100 % a year (simple interest, rounded
    /// up): far above any market the engine would hold, far below a withdraw that did not happen (the
    /// whole amount) for any downtime under months.
    static func accrual(on balance: TokenAmount, over seconds: TimeInterval) -> TokenAmount {
        let seconds = UInt128(min(max(0, seconds), 100 * 365 * 86_400).rounded(.up))
        let year: UInt128 = 365 * 86_400
        let (product, overflow) = balance.baseUnits.multipliedReportingOverflow(by: seconds)
        let units = overflow ? balance.baseUnits : (product + year - 1) / year
        return TokenAmount(baseUnits: units, decimals: balance.decimals)
    }
}
