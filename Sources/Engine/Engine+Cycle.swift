import Foundation
import MammonCore
import Store

/// One optimization cycle: scan, propose, gate, limit, approve or execute.
extension Engine {
    struct Candidate {
        var recommendation: RebalanceRecommendation
        var plan: MovePlan
        var analysis: ProfitabilityAnalysis
        /// The most the move's transactions can cost: each gas-limit cap × max fee (+ L1 fee).
        var worstCaseGasUSD: Decimal
        /// The same in wei: each cap × max fee + the L1 fee of each transaction.
        var worstCaseGasWei: UInt128
    }

    /// Markets left out of this cycle for a reason the operator should see: a suspect APY, a target
    /// that could not pay the money back. (An unmeasured vault is shown as such in the markets.)
    func reportExclusions(_ exclusions: [MarketTrust.Exclusion]) {
        let worth = exclusions.filter { if case .unmeasured = $0 { false } else { true } }
        guard !worth.isEmpty else { return }
        commit([], worth.map { exclusion in
            // A rate above the ceiling is suspect (manipulated or broken), and a position that must
            // leave but cannot is at risk; a shallow, full, unsafe or new market is news.
            switch exclusion {
            case .apyAboveCeiling, .noSafeTarget: return .error(.market, exclusion.description)
            default: return .notice(.market, exclusion.description)
            }
        })
    }

    /// Runs one cycle now. Returns false when it failed (a read error or a failed execution).
    @discardableResult
    public func runOnce() async -> Bool {
        if persisted.schedulerState == .halted {
            commit([], [.error(.scheduler, "not scanning: halted (\(persisted.haltReason ?? "")); resume first")])
            return false
        }
        guard beginExclusive() else {
            commit([], [.error(.scheduler, "a cycle is already running")])
            return false
        }
        defer { endExclusive() }

        let started = clock.now()
        let cycle = persisted.scans + 1
        saveState({ $0.scans = cycle; $0.lastScanAt = started }, [.scanStarted(cycle: cycle)])
        expireApprovals()
        // Nothing new starts while an interrupted execution is unresolved.
        guard await reconcileInterrupted(continuing: true) else {
            let message = "interrupted executions are not reconciled yet"
            var breaker = persisted.breakerState
            let tripped = breaker.recordFailure(message, at: clock.now(), policy: config.breaker)
            saveState({ $0.breakerState = breaker }, [.scanFinished(cycle: cycle, ok: false, opportunities: 0, executed: 0, durationMs: 0, error: message)])
            if tripped { await halt(reason: "circuit breaker: \(breaker.tripReason ?? message)", emergency: false) }
            return false
        }

        var executed = 0, found = 0
        var counts = (found: 0, executed: 0, skipped: 0)
        var failure: String?
        do {
            let token = config.targetToken
            let scan: ChainScan
            do { scan = try await chain.scan(token: token) } catch {
                throw CycleError(message: "market scan failed: \(error)", alertCode: AlertCode.of(error))
            }
            let (markets, idle, fee) = (scan.markets, scan.idle, scan.fee)
            let observed = observation(markets, idle: idle, token: token)
            commit(observed.mutations, [observed.event])
            guard try await checkTreasury(fee: fee) else { throw CycleError(message: persisted.haltReason ?? "the fenced treasury is not its plan") }

            let conditions = try marketConditions(markets)
            let plan = optimizer.plan(markets: markets, idle: idle, token: token, conditions: conditions, makeID: makeID)
            reportExclusions(plan.exclusions)
            let moved = plan.recommendations.isEmpty ? [:] : try lastMoves()
            var candidates: [Candidate] = []
            for rec in plan.recommendations {
                let checks = guardChecks(rec, markets: markets, conditions: conditions, lastMoves: moved)
                candidates.append(try await evaluate(rec, fee: fee, guards: checks))
            }
            // Exits first; then highest confidence; on a tie, moves of existing positions before idle deployments.
            candidates.sort {
                ($0.recommendation.exit != nil ? 1 : 0, $0.recommendation.confidence, $0.recommendation.from != nil ? 1 : 0)
                    > ($1.recommendation.exit != nil ? 1 : 0, $1.recommendation.confidence, $1.recommendation.from != nil ? 1 : 0)
            }
            found = candidates.count

            var skipped = 0
            for c in candidates {
                if shuttingDown || persisted.schedulerState == .halted { skipped += 1; continue }
                commit([], [.opportunityFound(c.recommendation), .gateVerdict(recommendationID: c.recommendation.id, analysis: c.analysis)])
                guard c.analysis.profitable else { skipped += 1; continue }
                if let breach = try checkLimits(c) {
                    commit([], [.limitReached(limit: breach.limit.rawValue, detail: breach.detail)])
                    skipped += 1
                    continue
                }
                if let beyond = beyondOnChainAllowance(c.recommendation) {
                    commit([], [.limitReached(limit: TreasuryFenceStatus.allowanceLimit, detail: beyond)])
                    skipped += 1
                    continue
                }
                if approvalMode.requiresApproval(amountUSD: c.analysis.amountUSD) {
                    requestApproval(c)
                    continue
                }
                let summary = await execute(c, ethUSD: fee.ethUSD)
                if summary.status == .succeeded { executed += 1 } else {
                    skipped += 1
                    failure = "execution \(summary.status.rawValue): \(summary.error ?? "")"
                }
            }
            counts = (found, executed, skipped)
            if executed > 0 { await refreshTreasury(fee: fee) }
        } catch {
            failure = "\(error)"
            commit([], [.error(.scan, failure!, code: AlertCode.of(error))])
        }

        // Counters, breaker and the cycle's end in one commit.
        let ms = Int((clock.now().timeIntervalSince(started) * 1000).rounded())
        var breaker = persisted.breakerState
        var tripped = false
        if let failure { tripped = breaker.recordFailure(failure, at: clock.now(), policy: config.breaker) } else { breaker.recordSuccess() }
        saveState({
            $0.opportunitiesFound += counts.found
            $0.opportunitiesExecuted += counts.executed
            $0.opportunitiesSkipped += counts.skipped
            $0.breakerState = breaker
        }, [.scanFinished(cycle: cycle, ok: failure == nil, opportunities: found, executed: executed, durationMs: ms, error: failure)])
        if tripped { await halt(reason: "circuit breaker: \(breaker.tripReason ?? failure ?? "")", emergency: false) }
        return failure == nil
    }

    /// A scan's reading of every market and the wallet, as the mutations and the event that carry it:
    /// the current positions (the table `status` reads, the event the console and /metrics fold) and
    /// a point of the position history.
    func observation(_ markets: [MarketSnapshot], idle: TokenAmount, token: Token) -> (mutations: [StoreMutation], event: EngineEvent.Kind) {
        lastMarkets = markets
        let now = clock.now()
        return ([.marketsScanned(markets, at: now), .balancesObserved(idle: idle, markets: markets, token: token, at: now)],
                .marketsScanned(cycle: persisted.scans, markets: markets, idle: idle))
    }

    /// What a move's verification read (the wallet, the source and the target), laid over the newest
    /// reading of the markets: the current positions, not a point of the position history (one per
    /// scan, which earnings are measured between). Nil when no reading of the markets exists yet.
    func verifiedPositions(_ executionID: UUID, _ rec: RebalanceRecommendation, _ after: BalanceSnapshot) -> (mutations: [StoreMutation], event: EngineEvent.Kind)? {
        guard var markets = lastMarkets ?? newestStoredMarkets() else { return nil }
        for i in markets.indices where markets[i].quote.token == rec.token {
            if markets[i].quote.marketID == rec.to { markets[i].position = after.to }
            if markets[i].quote.marketID == rec.from, let from = after.from { markets[i].position = from }
        }
        lastMarkets = markets
        return ([.marketsScanned(markets, at: clock.now())], .positionsVerified(executionID: executionID, markets: markets, idle: after.wallet))
    }

    /// The markets as last published before this process read any (after a restart).
    private func newestStoredMarkets() -> [MarketSnapshot]? {
        guard let event = try? store.recentEvents(limit: 1, of: [.marketsScanned, .positionsVerified]).last else { return nil }
        switch event.kind {
        case .marketsScanned(_, let markets, _), .positionsVerified(_, let markets, _): return markets
        default: return nil
        }
    }

    struct CycleError: Error, CustomStringConvertible, AlertCoded {
        var message: String
        var alertCode: AlertCode?
        var description: String { message }
    }

    /// Plans the gas of the steps this move will send and runs every gate, the guards' among them.
    func evaluate(_ rec: RebalanceRecommendation, fee: FeeQuote, guards: GuardChecks?) async throws -> Candidate {
        var rec = rec
        var withdrawGas: UInt64?
        var capUnits: UInt64 = 0
        if let from = rec.from {
            let withdraw = ChainAction.withdraw(from, rec.token, rec.amount, fullExit: false)
            withdrawGas = try await chain.gasEstimate(withdraw)
            capUnits += try await chain.gasLimitCap(withdraw)
        }
        capUnits += try await chain.gasLimitCap(.approve(rec.token, spender: rec.to, rec.amount))
        capUnits += try await chain.gasLimitCap(.deposit(rec.to, rec.token, rec.amount))
        let transactions = Decimal(rec.from == nil ? 2 : 3)
        let worst = (Decimal(capUnits) * fee.maxFeePerGasGwei).shifted(by: -9) * fee.ethUSD + transactions * fee.l1FeeUSDPerTransaction
        let (execution, o1) = UInt128(capUnits).multipliedReportingOverflow(by: fee.maxFeePerGasWei)
        let (l1, o2) = fee.l1FeeWeiPerTransaction.multipliedReportingOverflow(by: rec.from == nil ? 2 : 3)
        let (worstWei, o3) = execution.addingReportingOverflow(l1)
        let plan = MovePlan(
            withdrawGas: withdrawGas,
            approveGas: try await chain.gasEstimate(.approve(rec.token, spender: rec.to, rec.amount)),
            depositGas: try await chain.gasEstimate(.deposit(rec.to, rec.token, rec.amount)),
            gasPriceGwei: fee.maxFeePerGasGwei, ethUSD: fee.ethUSD, l1FeeUSDPerTransaction: fee.l1FeeUSDPerTransaction)
        let analysis = ProfitabilityGate.analyze(currentAPY: rec.currentAPY, targetAPY: rec.expectedAPY,
                                                 amountUSD: YieldOptimizer.usd(rec.amount), plan: plan, thresholds: config.gates,
                                                 guards: guards)
        rec.confidence = ProfitabilityGate.confidence(analysis)
        return Candidate(recommendation: rec, plan: plan, analysis: analysis, worstCaseGasUSD: worst,
                         worstCaseGasWei: o1 || o2 || o3 ? .max : worstWei)
    }

    /// Today's limits against the move's worst case, from the budget as stored now.
    func checkLimits(_ c: Candidate) throws -> SafetyLimits.Breach? {
        let budget: DailyBudget
        do { budget = try todaysBudget() } catch {
            throw CycleError(message: "cannot read today's budget, so no limit can be checked: \(error)", alertCode: nil)
        }
        if let breach = config.limits.check(budget: budget, amountUSD: c.analysis.amountUSD, estimatedGasUSD: max(c.worstCaseGasUSD, c.analysis.costs.gasUSD)) {
            return breach
        }
        let spentWei: UInt128
        do { spentWei = try todaysGasWei() } catch {
            throw CycleError(message: "cannot read today's gas spend in wei, so no limit can be checked: \(error)")
        }
        return config.limits.checkGas(spentWei: spentWei, estimatedWei: c.worstCaseGasWei)
    }

    func execute(_ c: Candidate, ethUSD: Decimal) async -> ExecutionSummary {
        let id = makeID()
        executionInFlight = id
        defer { executionInFlight = nil; cancellationRequests.remove(id) }
        let summary = await executor().run(c.recommendation, id: id, ethUSD: ethUSD, approvedWorstWei: c.worstCaseGasWei)
        publishStatus()
        return summary
    }
}
