import Foundation
import Logging
import MammonCore
@_spi(EngineWriter) import Store

/// The engine: the only writer of state. Every change is committed to SQLite with its events,
/// then published. Operator intents arrive as `OperatorCommand`s and are checked like anything else.
public actor Engine {
    let config: MammonConfig
    let chain: any ChainGateway
    let store: AppDatabase
    let clock: any EngineClock
    let hub = EventHub()
    let logger: Logger
    let makeID: @Sendable () -> UUID
    let approvalMode: ApprovalMode
    let optimizer: YieldOptimizer

    var persisted: PersistedSchedulerState
    var budget: DailyBudget
    var totals: (rebalances: Int, gasUSD: Decimal)
    var recentErrors: [ErrorRecord]
    /// A fenced treasury as last read, when the role was last compared with the plan, and the UTC day
    /// the operator was last told its gas runs low.
    var treasury: TreasuryFenceStatus?
    var lastFenceCheck: Date?
    var lowGasToldOn: String?
    var pendingApprovals: [UUID: ApprovalRequest] = [:]
    /// Approvals resolved in this process and how ("approved by console pid 12"), so a second console
    /// approving the same proposal is told who did.
    var resolvedApprovals: [UUID: String] = [:]
    /// Approvals accepted from a client and being re-checked now: the first claim wins.
    var approvalClaims: [UUID: String] = [:]
    var loopTask: Task<Void, Never>?
    var sleepTask: Task<Void, any Error>?
    var cycleInFlight = false
    var cycleWaiters: [@Sendable () -> Void] = []
    /// Set by shutdown: the cycle in flight finishes its current execution and starts no other.
    var shuttingDown = false
    var shutdownTask: Task<Bool, Never>?
    /// Executions whose stuck transaction the operator asked to cancel.
    var cancellationRequests: Set<UUID> = []
    /// The newest reading of the markets published (a scan's, or a verified move's over it).
    var lastMarkets: [MarketSnapshot]?
    /// The execution running now, if any.
    var executionInFlight: UUID?
    /// True once every execution a crash left behind is resolved. This engine is the only writer, so
    /// none can appear later in the process's life; only a failed reconciliation is retried.
    var interruptedResolved = false
    /// The last status published; an unchanged status is not sent again.
    var lastStatus: SchedulerStatus?
    /// Liveness for a supervisor (systemd's watchdog): see `setHeartbeat(every:_:)`.
    var heartbeat: (interval: TimeInterval, beat: @Sendable () -> Void)?
    /// Beaten by the chain's bounded waits inside a cycle; forwards to the heartbeat.
    var waits: Liveness?
    /// The chain's effects a failed commit could not write: the next commit writes them first (newer
    /// effects taken since win), so nothing the chain did is lost while the process lives.
    var unwrittenEffects: [ChainEffect] = []

    /// Opens the engine on a store: restores the breaker latch, counters and pending approvals, and
    /// closes out executions a crash left running.
    public init(config: MammonConfig, chain: any ChainGateway, store: AppDatabase, clock: any EngineClock,
                approvalMode: ApprovalMode, logger: Logger = Logger(label: "mammon.engine"),
                makeID: @escaping @Sendable () -> UUID = { UUID.random() }) throws {
        self.config = config
        self.chain = ReceiptKeepingChain(inner: chain)
        self.store = store
        self.clock = clock
        self.approvalMode = approvalMode
        self.logger = logger
        self.makeID = makeID
        self.optimizer = YieldOptimizer(config: config)
        let now = clock.now()
        var state = try store.schedulerState() ?? PersistedSchedulerState(updatedAt: now)
        // A process that died while running leaves "running" behind; it is stopped until started again.
        if state.schedulerState == .running { state.state = SchedulerStatus.State.stopped.rawValue }
        if state.emergencyStop || state.breakerState.tripped {
            state.state = SchedulerStatus.State.halted.rawValue
            state.haltReason = state.haltReason ?? state.breakerState.tripReason ?? "emergency stop"
        }
        state.ownerPid = getpid()
        self.persisted = state
        self.budget = try store.budget(day: now.utcDay)
        self.totals = try store.lifetimeTotals()
        self.recentErrors = try store.recentErrors()
        for request in try store.pendingApprovals() { pendingApprovals[request.id] = request }
    }

    /// The network the engine runs on, as its chain names it.
    public nonisolated var networkName: String { chain.networkName }

    /// Events from now on, starting with the current status.
    public nonisolated func subscribe() -> AsyncStream<EngineEvent> { hub.subscribe() }

    /// The same events, as the batches they were committed in (the latest status first, alone).
    public nonisolated func subscribeBatches() -> AsyncStream<[EngineEvent]> { hub.subscribeBatches() }

    /// The newest `limit` events recorded so far, oldest first, without the status snapshots: what
    /// happened before a console opened (read it before subscribing, so nothing comes twice).
    public nonisolated func history(limit: Int) throws -> [EngineEvent] {
        try store.recentEvents(limit: limit, excluding: [EngineEvent.Kind.statusType])
    }

    /// Publishes the current status and reports executions a crash interrupted. Call once after init.
    public func open() async {
        commit([.schedulerState(persisted)], [])
        _ = await reconcileInterrupted(continuing: false)
        publishStatus()
    }

    public func send(_ command: OperatorCommand) async {
        switch command {
        case .start: start()
        case .stop: await stop(reason: "stopped by operator")
        case .runOnce: await runOnce()
        case .approve(let id): await approve(id, by: "operator")
        case .decline(let id): resolve(id, outcome: .declined, detail: "declined by operator")
        case .emergencyStop: await emergencyStop(by: "operator")
        case .resume: resume()
        case .cancelTransaction(let id): requestCancellation(id)
        }
    }

    public func status() -> SchedulerStatus { makeStatus() }

    /// Stops the scheduler and waits for an in-flight cycle, so no step is left half done by choice,
    /// but only for `STOP_BUDGET_SECONDS`: a supervisor would kill a longer stop. Past the budget it
    /// returns with the step still in flight (every transaction is journaled before it is sent, so
    /// recovery picks it up at the next start) and says so in the last event. True when nothing was
    /// left in flight.
    @discardableResult
    public func shutdown() async -> Bool {
        // A signal and the runner may both ask: one stop, one budget.
        if let shutdownTask { return await shutdownTask.value }
        let task = Task { await self.performShutdown() }
        shutdownTask = task
        return await task.value
    }

    private func performShutdown() async -> Bool {
        shuttingDown = true
        if persisted.schedulerState == .running { await stop(reason: "shutdown") }
        var clean = true
        if cycleInFlight {
            let deadline = clock.now().addingTimeInterval(TimeInterval(config.stopBudgetSeconds))
            let clock = self.clock
            clean = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
                let once = ResumeOnce(done)
                cycleWaiters.append { once.resume(true) }
                Task { try? await clock.sleep(until: deadline); once.resume(false) }
            }
            if !clean {
                let step = executionInFlight.map { id in "execution \(id.uuidString.prefix(8)) is still in flight" } ?? "a cycle is still running"
                commit([], [.notice(.shutdown, "stopping after STOP_BUDGET_SECONDS (\(config.stopBudgetSeconds) s): \(step); whatever it journaled is reconciled with the chain at the next start, nothing unjournaled is ever sent by recovery")])
            }
        }
        hub.finish()
        return clean
    }

    /// Marks the start of a cycle or an approved execution; false when one is already running.
    func beginExclusive() -> Bool {
        guard !cycleInFlight else { return false }
        cycleInFlight = true
        return true
    }

    func endExclusive() {
        cycleInFlight = false
        let waiters = cycleWaiters
        cycleWaiters = []
        for w in waiters { w() }
    }

    // MARK: - Recording

    /// Commits domain changes with their events and the chain's effects in one transaction, then
    /// publishes the events.
    /// A failed write is an error event (published even though it could not be stored) and a log line.
    @discardableResult
    func commit(_ mutations: [StoreMutation], _ kinds: [EngineEvent.Kind]) -> Bool {
        let now = clock.now()
        let kinds = kinds.filter { kind in
            guard case .status(let s) = kind else { return true }
            defer { lastStatus = s }
            return s != lastStatus
        }
        guard !kinds.isEmpty || !mutations.isEmpty else { return true }
        let events = kinds.map { EngineEvent(at: now, kind: $0) }
        // The alerts these events raise are queued in the same transaction: none is lost to a crash.
        var alerts = config.alertsEnabled ? AlertRules.alerts(for: events) : []
        // A shadow run's alerts say so in their title: "execution failed" must never read as real money.
        if let shadow = ShadowNetwork.watched(in: chain.networkName) {
            alerts = alerts.map { var a = $0; a.title = "[shadow \(shadow)] " + a.title; return a }
        }
        let mutations = alerts.isEmpty ? mutations : mutations + [.alertsQueued(alerts, at: now)]
        // What the chain changed since the last commit is written first, in the same transaction: a
        // crash loses such a change only together with the record of what caused it.
        let effects = ChainEffect.coalesced(unwrittenEffects + chain.takeEffects())
        do {
            let stored = try store.commit(effects.map(StoreMutation.init) + mutations, events: events)
            unwrittenEffects = []
            apply(mutations)
            noteErrors(stored)
            hub.publish(stored)
            return true
        } catch {
            unwrittenEffects = effects
            logger.error("database write failed: \(error)")
            let failure = EngineEvent(at: now, kind: .error(.store, "database write failed: \(error)"))
            noteErrors([failure])
            // Not stored, so written here, once, for every subscriber.
            hub.publish((events + [failure]).map { e in let bounded = e.boundingText(); return (try? bounded.encoded()) ?? bounded })
            return false
        }
    }

    func record(_ mutations: [StoreMutation], _ kinds: [EngineEvent.Kind]) throws {
        guard commit(mutations, kinds) else { throw StoreWriteFailed() }
    }

    struct StoreWriteFailed: Error, CustomStringConvertible { var description: String { "database write failed" } }

    /// Keeps the in-memory budget in step with what was just committed.
    private func apply(_ mutations: [StoreMutation]) {
        let today = clock.now().utcDay
        if budget.day != today { budget = (try? store.budget(day: today)) ?? DailyBudget(day: today) }
        for m in mutations {
            switch m {
            case .stepJournaled(_, _, let counts, let day) where counts && day == today:
                budget.rebalances += 1
            case .stepUpdated(let r, let day) where day == today:
                if let gas = r.gasCostUSD, r.status != .running { budget.gasUSD += gas }
            case .executionFinished(let s) where s.gasUsed > 0:
                totals.rebalances += 1
                totals.gasUSD += s.gasCostUSD
            case .schedulerState(let s):
                persisted = s
            default: break
            }
        }
    }

    private func noteErrors(_ events: [EngineEvent]) {
        for e in events {
            if case .error(let source, let message, _) = e.kind {
                recentErrors.append(ErrorRecord(at: e.at, source: source, message: message))
                if recentErrors.count > 10 { recentErrors.removeFirst(recentErrors.count - 10) }
            }
        }
    }

    func makeStatus() -> SchedulerStatus {
        let today = clock.now().utcDay
        if budget.day != today { budget = (try? store.budget(day: today)) ?? DailyBudget(day: today) }
        return SchedulerStatusReading(persisted: persisted, budget: budget, totals: totals, recentErrors: recentErrors)
            .status(network: chain.networkName, walletAddress: chain.walletAddress, approvalMode: approvalMode.description,
                    maxRebalancesPerDay: config.maxRebalancesPerDay, maxGasPerDayUSD: config.maxGasPerDayUSD, treasury: treasury)
    }

    /// Persists the scheduler state with a status event.
    func saveState(_ change: (inout PersistedSchedulerState) -> Void, _ kinds: [EngineEvent.Kind] = []) {
        var next = persisted
        change(&next)
        next.updatedAt = clock.now()
        persisted = next
        commit([.schedulerState(next)], kinds + [.status(makeStatus())])
    }

    func publishStatus() { commit([], [.status(makeStatus())]) }

    /// Today's budget read from the database: what every limit check uses. A failed read is an
    /// error, never an empty budget (that would reset today's limits).
    /// What today's mined transactions may have cost in wei: each receipt's fee, or its signed gas
    /// limit × max fee + L1 fee where the chain can read the journaled bytes and that is more (a node
    /// can understate a receipt, never the bytes the engine signed).
    func todaysGasWei() throws -> UInt128 {
        var total: UInt128 = 0
        for (raw, receipt) in try store.minedAttempts(signedOn: clock.now().utcDay) {
            var fee = receipt.totalFeeWei
            if let worst = chain.signedWorstCaseWei(rawTransaction: raw) {
                let (signed, overflow) = worst.addingReportingOverflow(receipt.l1FeeWei)
                fee = max(fee, overflow ? .max : signed)
            }
            let (sum, overflow) = total.addingReportingOverflow(fee)
            total = overflow ? .max : sum
        }
        return total
    }

    func todaysBudget() throws -> DailyBudget {
        let fresh = try store.budget(day: clock.now().utcDay)
        budget = fresh
        return fresh
    }

    /// Reconciles executions a crash left running with the chain. On open (`continuing` false) it
    /// only reconciles what was journaled and closes what never sent anything; finishing withdrawn
    /// funds into their target waits for a cycle or an approval (`continuing` true), and happens only
    /// when the engine is not halted. Returns false while anything is unresolved.
    func reconcileInterrupted(continuing: Bool) async -> Bool {
        if interruptedResolved { return true }
        let unfinished: [ExecutionSummary]
        do { unfinished = try store.unfinishedExecutions() } catch {
            commit([], [.error(.recovery, "cannot read unfinished executions: \(error)")])
            return false
        }
        guard !unfinished.isEmpty else { interruptedResolved = true; return true }
        let fee: FeeQuote
        do { fee = try await chain.feeQuote() } catch {
            commit([], [.error(.recovery, "\(unfinished.count) interrupted execution(s) wait: the chain cannot be reached (\(error))",
                               code: AlertCode.of(error) ?? .rpcUnreachable)])
            return false
        }
        let continuation: RebalanceExecutor.Continuation
        if persisted.schedulerState == .halted || persisted.emergencyStop {
            continuation = .refused("the engine is halted (\(persisted.haltReason ?? "emergency stop")); the withdrawn funds stay idle in the wallet until the operator resumes")
        } else {
            continuation = continuing ? .allowed : .deferred
        }
        var unresolved = 0
        for summary in unfinished.sorted(by: { $0.startedAt < $1.startedAt }) {
            executionInFlight = summary.id
            defer { executionInFlight = nil }
            do {
                let outcome = try await executor().resume(summary, continuation: continuation,
                                                          recoveryGasCeilingUSD: config.recoveryMaxGasUSD, fee: fee)
                if case .awaitingContinuation = outcome { unresolved += 1 }
            } catch {
                unresolved += 1
                commit([], [.error(.recovery, "execution \(summary.id.uuidString.prefix(8)) cannot be reconciled: \(error)")])
            }
        }
        interruptedResolved = unresolved == 0
        publishStatus()
        return interruptedResolved
    }

    func cancellationRequested(_ id: UUID) -> Bool { cancellationRequests.contains(id) }

    /// Why nothing may be prepared, signed, broadcast or replaced now (the engine is halted or
    /// emergency-stopped), or nil. The executor asks before each of those, not only between moves:
    /// a halt must stop a move in flight.
    func spendingHalt() -> String? {
        guard persisted.schedulerState == .halted || persisted.emergencyStop else { return nil }
        return persisted.haltReason ?? "emergency stop"
    }

    func requestCancellation(_ id: UUID) {
        guard executionInFlight == id else {
            commit([], [.error(.executor, "no execution \(id.uuidString.prefix(8)) is in flight: nothing to cancel")])
            return
        }
        cancellationRequests.insert(id)
        commit([], [.notice(.executor, "cancellation requested for execution \(id.uuidString.prefix(8)): if its transaction is still unmined at the next check, a zero-value self-transfer takes its nonce")])
    }

    func executor() -> RebalanceExecutor {
        RebalanceExecutor(chain: chain, store: store, clock: clock, limits: config.limits, allowed: config.supportedProtocols, trust: optimizer.trust,
                          stuckTimeout: TimeInterval(config.stuckTransactionSeconds), maxReplacements: config.maxReplacements, engine: self)
    }
}
