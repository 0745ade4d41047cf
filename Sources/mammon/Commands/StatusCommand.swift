import ArgumentParser
import Foundation
import MammonCore
import Store

/// `mammon status`: the scheduler's state and today's counters, read from the database. Works while
/// another process runs the engine (WAL readers never block the writer).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show scheduler state, limits and recent errors.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        let store = try AppDatabase.openReadOnly(path: network.databasePath)
        var report = try StatusReport.read(store: store, config: config, network: network.network, now: Date())
        // The running engine's own lock says whether it runs (a pid column cannot: a crash leaves it behind).
        let holder = EngineLock.holder(of: EngineLocks.databaseLockPath(network.databasePath))
        report.engineProcess = holder ?? "none running"
        if holder != nil {
            let lock = EngineLocks.databaseLockPath(network.databasePath)
            if EngineLock.recorded(KeyMemory.unlockedLockLine, in: lock) {
                report.keyMemoryLocked = false
            } else if EngineLock.recorded(KeyMemory.lockedLockLine, in: lock) {
                report.keyMemoryLocked = true
            }
        }
        if holder == nil, report.status.state == .running { report.status.state = .stopped }
        if let paths = try? SocketPaths.find(network.databasePath) {
            report.sockets = .init(control: paths.control, observer: paths.observer,
                                   listening: holder != nil && FileManager.default.fileExists(atPath: paths.control))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .custom { d, e in var c = e.singleValueContainer(); try c.encode(d.iso8601) }
            print(JSONLineWriter.escapingControlScalars(String(decoding: try encoder.encode(report), as: UTF8.self)))
        } else {
            print(report.text)
        }
    }
}

/// What `status` prints: the persisted state with liveness of the owning process.
struct StatusReport: Encodable {
    var status: SchedulerStatus
    var engineProcess: String
    /// Where consoles attach: `mammon console --socket PATH [--read-only]`.
    var sockets: Sockets?
    struct Sockets: Encodable { var control: String; var observer: String; var listening: Bool }
    var positions: [Position]
    var pendingApprovals: Int
    var lastExecution: ExecutionSummary?
    /// Whether the running engine's signing key is locked in RAM (false: it may reach swap); nil when
    /// no engine runs or it holds no key.
    var keyMemoryLocked: Bool?

    enum CodingKeys: String, CodingKey {
        case status, engineProcess = "engine_process", sockets, positions, pendingApprovals = "pending_approvals",
             lastExecution = "last_execution", keyMemoryLocked = "key_memory_locked"
    }

    static func read(store: AppDatabase, config: MammonConfig, network: String, now: Date) throws -> StatusReport {
        let persisted = try store.schedulerState()
        let budget = try store.budget(day: now.utcDay)
        let totals = try store.lifetimeTotals()
        let errors = try store.recentEvents(limit: 10, of: [.error]).compactMap { e -> ErrorRecord? in
            if case .error(let source, let message, _) = e.kind { ErrorRecord(at: e.at, source: source, message: message) } else { nil }
        }
        var state = persisted?.schedulerState ?? .stopped
        var process = "none"
        if let pid = persisted?.ownerPid {
            let alive = kill(pid, 0) == 0 || errno == EPERM
            process = alive ? "pid \(pid)" : "pid \(pid) (exited)"
            if !alive, state == .running { state = .stopped }
        }
        // What the engine itself last said about its approval mode, network and wallet; this command's
        // own configuration may differ from the running engine's.
        var reported: SchedulerStatus?
        if case .status(let s)? = try store.recentEvents(limit: 1, of: [.schedulerStatus]).last?.kind { reported = s }
        let status = SchedulerStatus(
            state: state, haltReason: persisted?.haltReason, network: reported?.network ?? network,
            walletAddress: reported?.walletAddress ?? "",
            approvalMode: reported?.approvalMode ?? (config.approvalMode ?? .auto).description, startedAt: persisted?.startedAt,
            lastScanAt: persisted?.lastScanAt, nextScanAt: persisted?.nextScanAt, scans: persisted?.scans ?? 0,
            opportunitiesFound: persisted?.opportunitiesFound ?? 0, opportunitiesExecuted: persisted?.opportunitiesExecuted ?? 0,
            opportunitiesSkipped: persisted?.opportunitiesSkipped ?? 0, rebalancesToday: budget.rebalances,
            gasTodayUSD: budget.gasUSD, rebalancesTotal: totals.rebalances, gasTotalUSD: totals.gasUSD,
            maxRebalancesPerDay: config.maxRebalancesPerDay, maxGasPerDayUSD: config.maxGasPerDayUSD,
            consecutiveFailures: persisted?.breakerState.consecutiveFailures ?? 0, recentErrors: errors, treasury: reported?.treasury)
        return StatusReport(status: status, engineProcess: process, positions: try store.positions(),
                            pendingApprovals: try store.pendingApprovals().count, lastExecution: try store.executions(limit: 1).first)
    }

    var text: String {
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
