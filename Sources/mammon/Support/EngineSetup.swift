import Engine
import Chain
import Foundation
import Logging
import MammonCore
import Store

/// Wires a chain, the database and the engine for a network. Nothing else in the program builds them.
enum EngineSetup {
    static func make(network: NetworkOptions, config: MammonConfig, clock: any EngineClock = SystemClock(),
                     logger: Logger) async throws -> (engine: Engine, store: AppDatabase) {
        let store = try AppDatabase.open(path: network.databasePath)
        let chain = try simulatedChain(config: config, store: store, clock: clock)
        for fault in try SimulatedFaultSpec.parse(ProcessInfo.processInfo.environment["MAMMON_SIMULATED_FAULTS"] ?? "") {
            await chain.inject(fault)
        }
        // MAMMON_SIM_BLOCK_SECONDS: seconds per mined transaction, to watch an execution step by step.
        if let seconds = ProcessInfo.processInfo.environment["MAMMON_SIM_BLOCK_SECONDS"].flatMap(TimeInterval.init) {
            await chain.setBlockTime(seconds)
        }
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock,
                                approvalMode: config.approvalMode ?? .auto, logger: logger)
        return (engine, store)
    }

    /// The simulated chain, continuing from the ledger stored in the same database.
    static func simulatedChain(config: MammonConfig, store: AppDatabase, clock: any EngineClock) throws -> SimulatedChain {
        try SimulatedChain.open(token: config.targetToken, seed: config.simulationSeed, clock: clock,
                                persisted: try store.simulatedLedger(), maxFeeGwei: config.maxFeeGwei) { accounts in
            try store.commit([.simulatedLedger(accounts)], events: [])
        }
    }
}
