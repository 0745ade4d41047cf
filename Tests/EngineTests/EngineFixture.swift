import Chain
import Engine
import Foundation
import MammonCore
import Store

/// An engine on the simulated chain with a manual clock and a real SQLite database (in a temp
/// folder, so a "restart" can reopen it).
struct EngineFixture {
    static let start = Date(timeIntervalSince1970: 1_800_007_200) // 2027-01-15T10:00:00Z

    let clock: ManualClock
    let path: String
    var config: MammonConfig
    var approvalMode: ApprovalMode
    /// Seconds per simulated block (0: mined at once), slept on the manual clock.
    var blockTime: TimeInterval = 0

    init(config: MammonConfig = .movesAtOnce, approvalMode: ApprovalMode = .auto, start: Date = EngineFixture.start) {
        clock = ManualClock(start)
        path = NSTemporaryDirectory() + "mammon-engine-\(UUID().uuidString)/test.sqlite"
        self.config = config
        self.approvalMode = approvalMode
    }

    /// Opens (or reopens, as a restart would) the database, chain and engine. `gateway` puts
    /// something between the engine and the chain (a gate that holds calls).
    func open(gateway: (SimulatedChain) -> any ChainGateway = { $0 }) async throws -> (engine: Engine, chain: SimulatedChain, store: AppDatabase) {
        let store = try AppDatabase.open(path: path)
        let chain = try SimulatedChain.open(seed: config.simulationSeed, clock: clock, persisted: try store.simulatedLedger(),
                                            maxFeeGwei: config.maxFeeGwei ?? 100, blockTime: blockTime)
        let engine = try Engine(config: config, chain: gateway(chain), store: store, clock: clock, approvalMode: approvalMode)
        await engine.open()
        return (engine, chain, store)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
}

extension MammonConfig {
    /// The engine judging as it did before the market guards' history and patience: spot rates
    /// (APY_WINDOW_HOURS 0) and no wait between moves (MIN_HOURS_BETWEEN_MOVES 0), so a test of
    /// execution, recovery, approvals or alerts moves on its first cycle as it always has. The size
    /// and exit rules stay at their defaults (the simulated markets are deep enough that they do not
    /// bind). GuardTests run every guard at its default.
    static var movesAtOnce: MammonConfig {
        var config = MammonConfig()
        config.guards.apyWindowHours = 0
        config.guards.minHoursBetweenMoves = 0
        return config
    }
}

extension AppDatabase {
    func allEvents() throws -> [EngineEvent] { try events(after: 0, limit: 100_000) }

    func types(_ filter: (String) -> Bool = { _ in true }) throws -> [String] {
        try allEvents().map(\.type).filter { $0 != "scheduler.status" && filter($0) }
    }
}
