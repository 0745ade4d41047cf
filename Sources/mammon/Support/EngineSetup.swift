import Engine
import Chain
import EVM
import Foundation
import Logging
import MammonCore
import Store

/// Wires a chain, the database and the engine for a network. Nothing else in the program builds them.
enum EngineSetup {
    /// `interactive`: a person watches the console, so the simulated network mines at Base's pace.
    static func make(network: NetworkOptions, config: MammonConfig, clock: any EngineClock = SystemClock(),
                     logger: Logger, interactive: Bool = false) async throws -> (engine: Engine, store: AppDatabase) {
        let chain: any ChainGateway
        let defaultApproval: ApprovalMode
        let store: AppDatabase
        if let live = try network.liveNetwork() {
            // Connect (and check the chain id) before the database is created for this network.
            let liveChain = try await liveChain(live, network: network, config: config, logger: logger)
            store = try AppDatabase.open(path: network.databasePath)
            chain = liveChain
            defaultApproval = live.defaultApprovalMode
            logger.info("live network", metadata: ["network": "\(live.name)", "chain_id": "\(live.chainID)",
                                                   "wallet": "\(liveChain.walletAddress)", "approval": "\(config.approvalMode ?? defaultApproval)"])
        } else {
            store = try AppDatabase.open(path: network.databasePath)
            let simulated = try simulatedChain(config: config, store: store, clock: clock, defaultBlockTime: interactive ? 2 : 0)
            for fault in try SimulatedFaultSpec.parse(ProcessInfo.processInfo.environment["MAMMON_SIMULATED_FAULTS"] ?? "") {
                await simulated.inject(fault)
            }
            chain = simulated
            defaultApproval = .auto
        }
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock,
                                approvalMode: config.approvalMode ?? defaultApproval, logger: logger)
        return (engine, store)
    }

    /// A live chain for `live`, signing with the keystore's key.
    static func liveChain(_ live: NetworkConfig, network: NetworkOptions, config: MammonConfig, logger: Logger) async throws -> LiveChain {
        guard let keystore = network.keystore else {
            throw LiveSetupError("network '\(live.name)' signs real transactions: pass --keystore FILE (and --password-file FILE or $MAMMON_PASSWORD_FILE)")
        }
        let signer = try KeystoreLoader.signer(keystore: keystore, passwordFile: network.passwordFile)
        let options = LiveChainOptions(maxFeeGwei: config.maxFeeGwei,
                                       sharePriceStore: DatabaseSharePrices(path: network.databasePath),
                                       notice: { message in
            logger.notice("\(message)")
        })
        return try await LiveChain.connect(network: live, signer: signer, options: options)
    }

    /// The simulated chain, continuing from the ledger stored in the same database.
    /// Blocks take `defaultBlockTime` seconds (2 in the console, as on Base, so each step can be watched;
    /// 0 headless), or MAMMON_SIM_BLOCK_SECONDS when set.
    static func simulatedChain(config: MammonConfig, store: AppDatabase, clock: any EngineClock,
                               defaultBlockTime: TimeInterval = 0) throws -> SimulatedChain {
        let blockTime = ProcessInfo.processInfo.environment["MAMMON_SIM_BLOCK_SECONDS"].flatMap(TimeInterval.init) ?? defaultBlockTime
        return try SimulatedChain.open(token: config.targetToken, seed: config.simulationSeed, clock: clock,
                                       persisted: try store.simulatedLedger(), maxFeeGwei: config.maxFeeGwei,
                                       blockTime: max(0, blockTime)) { accounts in
            try store.commit([.simulatedLedger(accounts)], events: [])
        }
    }
}

struct LiveSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
