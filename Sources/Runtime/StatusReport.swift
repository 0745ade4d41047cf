import Foundation
import MammonCore
import Store

/// What `status` prints: the persisted state with liveness of the owning process.
public struct StatusReport: Encodable {
    public var status: SchedulerStatus
    public var engineProcess: String
    /// Where consoles attach: `mammon console --socket PATH [--read-only]`.
    public var sockets: Sockets?
    public struct Sockets: Encodable { public var control: String; public var observer: String; public var listening: Bool }
    public var positions: [Position]
    public var pendingApprovals: Int
    public var lastExecution: ExecutionSummary?
    /// Whether the running engine's signing key is locked in RAM (false: it may reach swap); nil when
    /// no engine runs or it holds no key.
    public var keyMemoryLocked: Bool?

    enum CodingKeys: String, CodingKey {
        case status, engineProcess = "engine_process", sockets, positions, pendingApprovals = "pending_approvals",
             lastExecution = "last_execution", keyMemoryLocked = "key_memory_locked"
    }

    /// The engine's status as stored, derived as the engine derives its own (`SchedulerStatusReading`).
    /// Network, wallet, approval mode, daily limits and the fenced treasury are what the engine last
    /// published about itself (this command's own configuration may differ from the running
    /// engine's); `config` and `network` stand in only for a database whose engine never said.
    public static func read(store: AppDatabase, config: MammonConfig, network: String, now: Date) throws -> StatusReport {
        var reading = try store.schedulerStatusReading(at: now)
        var process = "none"
        if let pid = reading.persisted.ownerPid {
            let alive = kill(pid, 0) == 0 || errno == EPERM
            process = alive ? "pid \(pid)" : "pid \(pid) (exited)"
            if !alive, reading.persisted.schedulerState == .running { reading.persisted.state = SchedulerStatus.State.stopped.rawValue }
        }
        var reported: SchedulerStatus?
        if case .status(let s)? = try store.recentEvents(limit: 1, of: [.schedulerStatus]).last?.kind { reported = s }
        let status = reading.status(network: reported?.network ?? network, walletAddress: reported?.walletAddress ?? "",
                                    approvalMode: reported?.approvalMode ?? (config.approvalMode ?? .auto).description,
                                    maxRebalancesPerDay: reported?.maxRebalancesPerDay ?? config.maxRebalancesPerDay,
                                    maxGasPerDayUSD: reported?.maxGasPerDayUSD ?? config.maxGasPerDayUSD, treasury: reported?.treasury)
        return StatusReport(status: status, engineProcess: process, positions: try store.positions(),
                            pendingApprovals: try store.pendingApprovals().count, lastExecution: try store.executions(limit: 1).first)
    }

    /// Whether an engine runs on the database, by its own lock (a pid column cannot tell: a crash
    /// leaves it behind), what its lock file says of its key, and where its sockets are.
    public mutating func observeEngine(databasePath: String) {
        let holder = EngineLock.holder(of: EngineLocks.databaseLockPath(databasePath))
        engineProcess = holder ?? "none running"
        if holder != nil {
            let lock = EngineLocks.databaseLockPath(databasePath)
            if EngineLock.recorded(KeyMemory.unlockedLockLine, in: lock) {
                keyMemoryLocked = false
            } else if EngineLock.recorded(KeyMemory.lockedLockLine, in: lock) {
                keyMemoryLocked = true
            }
        }
        if holder == nil, status.state == .running { status.state = .stopped }
        if let paths = try? SocketPaths.find(databasePath) {
            sockets = .init(control: paths.control, observer: paths.observer,
                            listening: holder != nil && FileManager.default.fileExists(atPath: paths.control))
        }
    }

    public var text: String {
        let s = status
        var lines = [String]()
        if let watched = ShadowNetwork.watched(in: s.network) {
            lines.append("SHADOW RUN   watch-only on \(watched): nothing here was signed or sent; limits and gas are the shadow run's")
        }
        lines += [
            "state        \(s.state.rawValue)\(s.haltReason.map { " — \($0)" } ?? "") (engine process: \(engineProcess))",
            "network      \(s.network), approval \(s.approvalMode)\(s.walletAddress.isEmpty ? "" : ", wallet \(s.walletAddress)")",
            "scans        \(s.scans), last \(s.lastScanAt?.iso8601 ?? "never"), next \(s.nextScanAt?.iso8601 ?? "—")",
            "opportunities found \(s.opportunitiesFound), executed \(s.opportunitiesExecuted), skipped \(s.opportunitiesSkipped)",
            "today        rebalances \(s.rebalancesToday)/\(s.maxRebalancesPerDay), gas $\(s.gasTodayUSD.fixed(4))/$\(s.maxGasPerDayUSD.fixed(2))",
            "total        rebalances \(s.rebalancesTotal), gas $\(s.gasTotalUSD.fixed(4))",
            "breaker      \(s.consecutiveFailures) consecutive failure(s)",
            "approvals    \(pendingApprovals) pending",
        ]
        if let t = s.treasury {
            lines.append("treasury     fenced: Safe \(t.safe), operator \(t.operatorAddress) (read \(t.checkedAt.iso8601))")
            lines.append("             \(t.allowanceLine); \(t.gasLine)")
            lines.append("             role " + (t.differences.isEmpty ? "exactly the plan" : "NOT the plan: " + t.differences.joined(separator: "; "))
                         + (t.fenceCheckedAt.map { " (checked \($0.iso8601))" } ?? ""))
        }
        if keyMemoryLocked == false {
            lines.append("WARNING      \(KeyMemory.unlockedWarning)")
        }
        if let sockets {
            lines.append("sockets      control \(sockets.control), observer \(sockets.observer)\(sockets.listening ? "" : " (not listening)")")
        }
        for p in positions where !p.amount.isZero {
            lines.append("position     \(p.marketID.displayName): \(p.amount) \(p.token)")
        }
        if let e = lastExecution {
            lines.append("last move    \(e.recommendation.route) \(e.recommendation.amount) \(e.recommendation.token): \(e.status.rawValue)\(e.error.map { " — \($0)" } ?? "")")
        }
        for e in s.recentErrors { lines.append("error        \(e.at.iso8601) [\(e.source)] \(e.message)") }
        // Halt reasons and errors quote nodes and contracts: one printable line each, whatever they hold.
        return lines.map { UntrustedText.printable($0) }.joined(separator: "\n")
    }
}
