import Engine
import Chain
import EVM
import Foundation
import Logging
import MammonCore
import Store

/// Wires a chain, the database and the engine for a network. Nothing else in the program builds them.
/// The live chain's RPC client comes back too, for metrics (nil on the simulated network).
enum EngineSetup {
    /// `interactive`: a person watches the console, so the simulated network mines at Base's pace.
    /// `opened` sees the database as soon as it is open, before the chain and engine are set up (the
    /// console starts reading what it shows); it only reads, so a refusal after it loses nothing.
    static func make(network: NetworkOptions, config: MammonConfig, clock: any EngineClock = SystemClock(),
                     logger: Logger, interactive: Bool = false,
                     opened: (AppDatabase) -> Void = { _ in }) async throws -> (engine: Engine, store: AppDatabase, rpc: JSONRPCClient?) {
        let chain: any ChainGateway
        let defaultApproval: ApprovalMode
        let store: AppDatabase
        var rpc: JSONRPCClient?
        let path = network.databasePath
        let waits = Liveness()  // the chain's fee and receipt waits beat the supervisor's watchdog through it
        // One engine per database: taken before anything is read or written, held until the process ends.
        _ = try EngineLock.acquire(path: EngineLocks.databaseLockPath(path), guarding: "database \(path)", database: path)
        if let live = try network.liveNetwork(), let watched = network.watchedAddress {
            // Shadow mode: a watch-only chain (no key is read, no signer exists) and the shadow ledger.
            let prices = DatabaseSharePrices()
            let reader = try await LiveChain.connect(network: live, watching: watched,
                                                     options: liveOptions(config: config, sharePrices: prices, liveness: waits, logger: logger))
            store = try AppDatabase.open(path: path)
            opened(store)
            try store.claim(DatabaseIdentity(network: ShadowNetwork.name(of: network.identityName(live)), chainID: String(live.chainID),
                                             wallet: reader.walletAddress), path: path, at: clock.now())
            try pinAddresses(reader, store: store, accepting: network.acceptedAddresses, at: clock.now(), logger: logger)
            prices.attach(store)
            chain = try await ShadowChain.open(reader: reader, persisted: try store.simulatedLedger(), clock: clock) { accounts in
                store.staged.stageLedger(accounts)  // written with the step that caused it
            }
            rpc = reader.client.rpc
            defaultApproval = live.defaultApprovalMode
            logger.info("shadow mode: nothing is signed or sent", metadata: ["network": "\(live.name)", "chain_id": "\(live.chainID)",
                                                                            "watching": "\(reader.walletAddress)"])
        } else if let live = try network.liveNetwork() {
            // Connect (and check the chain id) before the database is created for this network.
            let prices = DatabaseSharePrices()
            let liveChain = try await liveChain(live, network: network, config: config, sharePrices: prices, liveness: waits, logger: logger)
            // One engine per wallet on a chain, through whichever database.
            _ = try EngineLock.acquire(path: try EngineLocks.walletLockPath(chainID: live.chainID, wallet: liveChain.walletAddress),
                                       guarding: "wallet \(liveChain.walletAddress) on chain \(live.chainID)", database: path)
            store = try AppDatabase.open(path: path)
            opened(store)
            try store.claim(DatabaseIdentity(network: network.identityName(live), chainID: String(live.chainID), wallet: liveChain.walletAddress),
                            path: path, at: clock.now())
            try pinAddresses(liveChain, store: store, accepting: network.acceptedAddresses, at: clock.now(), logger: logger)
            prices.attach(store)
            chain = liveChain
            rpc = liveChain.client.rpc
            defaultApproval = live.defaultApprovalMode
            logger.info("live network", metadata: ["network": "\(live.name)", "chain_id": "\(live.chainID)",
                                                   "wallet": "\(liveChain.walletAddress)", "approval": "\(config.approvalMode ?? defaultApproval)"])
        } else {
            store = try AppDatabase.open(path: path)
            opened(store)
            StartupTrace.mark("database opened")
            let simulated = try simulatedChain(config: config, store: store, clock: clock, defaultBlockTime: interactive ? 2 : 0)
            StartupTrace.mark("simulated chain opened")
            try store.claim(DatabaseIdentity(network: "simulated", chainID: "simulated", wallet: simulated.walletAddress), path: path, at: clock.now())
            for fault in try SimulatedFaultSpec.parse(ProcessInfo.processInfo.environment["MAMMON_SIMULATED_FAULTS"] ?? "") {
                await simulated.inject(fault)
            }
            StartupTrace.mark("simulated network ready")
            chain = simulated
            defaultApproval = .auto
        }
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock,
                                approvalMode: config.approvalMode ?? defaultApproval, logger: logger)
        await engine.attachWaits(waits)
        return (engine, store, rpc)
    }

    /// A live chain for `live`, signing with the keystore's key.
    static func liveChain(_ live: NetworkConfig, network: NetworkOptions, config: MammonConfig, sharePrices: DatabaseSharePrices,
                          liveness: Liveness, logger: Logger) async throws -> LiveChain {
        guard let keystore = network.keystore else {
            throw LiveSetupError("network '\(live.name)' signs real transactions: pass --keystore FILE (and --password-file FILE or $MAMMON_PASSWORD_FILE)")
        }
        let signer = try KeystoreLoader.signer(keystore: keystore, passwordFile: network.passwordFile)
        return try await LiveChain.connect(network: live, signer: signer,
                                           options: liveOptions(config: config, sharePrices: sharePrices, liveness: liveness, logger: logger))
    }

    static func liveOptions(config: MammonConfig, sharePrices: DatabaseSharePrices, liveness: Liveness, logger: Logger) -> LiveChainOptions {
        LiveChainOptions(maxFeeGwei: config.maxFeeGwei, sharePriceStore: sharePrices, ethUSDMin: config.ethUSDMin, ethUSDMax: config.ethUSDMax,
                         ethUSDMaxChangePercentPerHour: config.ethUSDMaxChangePctPerHour,
                         sequencerGraceSeconds: UInt64(config.sequencerGraceSeconds),
                         notice: { message in logger.notice("\(message)") }, liveness: liveness)
    }

    /// Records, on first start, every address the node resolved that receives money or allowances,
    /// and refuses a later change unless the operator accepts the new address (`--accept-address`).
    static func pinAddresses(_ chain: LiveChain, store: AppDatabase, accepting: Set<String>, at now: Date, logger: Logger) throws {
        let resolved = chain.resolvedAddresses.map { (role: $0.role, address: $0.address.checksummed) }
        for role in try store.pin(resolved, accepting: accepting, at: now) {
            logger.notice("pinned address changed by the operator's --accept-address", metadata: ["role": "\(role)"])
        }
    }

    /// The simulated chain, continuing from the ledger stored in the same database.
    /// Blocks take `defaultBlockTime` seconds (2 in the console, as on Base, so each step can be watched;
    /// 0 headless), or MAMMON_SIM_BLOCK_SECONDS when set.
    static func simulatedChain(config: MammonConfig, store: AppDatabase, clock: any EngineClock,
                               defaultBlockTime: TimeInterval = 0) throws -> SimulatedChain {
        let blockTime = ProcessInfo.processInfo.environment["MAMMON_SIM_BLOCK_SECONDS"].flatMap(TimeInterval.init) ?? defaultBlockTime
        return try SimulatedChain.open(token: config.targetToken, seed: config.simulationSeed, clock: clock,
                                       persisted: try store.simulatedLedger(), maxFeeGwei: config.maxFeeGwei ?? 100,
                                       blockTime: max(0, blockTime)) { accounts in
            // Written by the engine's next commit, with the rows and events of the action that caused it.
            store.staged.stageLedger(accounts)
        }
    }
}

struct LiveSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
