import Engine
import Chain
import EVM
import Foundation
import Logging
import MammonCore
import Store

/// Wires a chain, the database and the engine for a network. Nothing else in the program builds them.
/// The live chain's RPC client comes back too, for metrics (nil on the simulated network).
public enum EngineSetup {
    /// `interactive`: a person watches the console, so the simulated network mines at Base's pace.
    /// `opened` sees the database as soon as it is open, before the chain and engine are set up (the
    /// console starts reading what it shows); it only reads, so a refusal after it loses nothing.
    public static func make(network: NetworkSelection, config: MammonConfig, clock: any EngineClock = TestClock.fromEnvironment() ?? SystemClock(),
                     logger: Logger, interactive: Bool = false,
                     opened: (AppDatabase) -> Void = { _ in }) async throws -> (engine: Engine, store: AppDatabase, rpc: JSONRPCClient?) {
        let chain: any ChainGateway
        let defaultApproval: ApprovalMode
        let store: AppDatabase
        var rpc: JSONRPCClient?
        let path = network.databasePath
        let waits = Liveness()  // the chain's fee and receipt waits beat the supervisor's watchdog through it
        // One engine per database: taken before anything is read or written, held until the process ends.
        let databaseLock = try EngineLock.acquire(path: EngineLocks.databaseLockPath(path), guarding: "database \(path)", database: path)
        var keyLocked: Bool?  // nil: no key in this process
        if let live = try network.liveNetwork(), let watched = network.watchedAddress {
            // Shadow mode: a watch-only chain (no key is read, no signer exists) and the shadow ledger.
            let prices = DatabaseSharePrices()
            let options = liveOptions(config: config, sharePrices: prices, liveness: waits, logger: logger)
            var reader = try await LiveChain.connect(network: live, watching: watched, options: options)
            if config.treasurySafe != nil {
                // A fenced treasury: every step is checked through the role, from its operator.
                reader = try await TreasuryGuard.shadowReader(live, safe: watched, plain: reader, config: config, options: options)
                logger.info("shadow mode on a fenced treasury: every step is checked through the Roles module from the operator",
                            metadata: ["safe": "\(watched.checksummed)", "operator": "\(reader.operatorAddress)"])
            }
            let identity = DatabaseIdentity(network: ShadowNetwork.name(of: network.identityName(live)), chainID: String(live.chainID),
                                            wallet: reader.walletAddress, contracts: live.contractFingerprint)
            store = try AppDatabase.open(path: path, expecting: identity)
            opened(store)
            try Engine.claim(store, as: identity, path: path, at: clock.now())
            try pinAddresses(reader, store: store, accepting: network.acceptedAddresses, at: clock.now(), logger: logger)
            prices.attach(store)
            // The shadow ledger's changes come back to the engine as effects, committed with the step that caused them.
            chain = try await ShadowChain.open(reader: reader, persisted: try store.simulatedLedger(), clock: clock)
            rpc = reader.client.rpc
            defaultApproval = live.defaultApprovalMode
            logger.info("shadow mode: nothing is signed or sent", metadata: ["network": "\(live.name)", "chain_id": "\(live.chainID)",
                                                                            "watching": "\(reader.walletAddress)"])
        } else if let live = try network.liveNetwork() {
            // Connect (and check the chain id) before the database is created for this network.
            let prices = DatabaseSharePrices()
            let (liveChain, locked) = try await liveChain(live, network: network, config: config, sharePrices: prices, liveness: waits, logger: logger)
            keyLocked = locked
            // One engine per signing key on a chain (its nonces), through whichever database.
            _ = try EngineLock.acquire(path: try EngineLocks.walletLockPath(chainID: live.chainID, wallet: liveChain.operatorAddress),
                                       guarding: "wallet \(liveChain.operatorAddress) on chain \(live.chainID)", database: path)
            let identity = DatabaseIdentity(network: network.identityName(live), chainID: String(live.chainID), wallet: identityWallet(liveChain),
                                            contracts: live.contractFingerprint)
            store = try AppDatabase.open(path: path, expecting: identity)
            opened(store)
            try Engine.claim(store, as: identity, path: path, at: clock.now())
            try pinAddresses(liveChain, store: store, accepting: network.acceptedAddresses, at: clock.now(), logger: logger)
            // The locks see engines on this machine; the node sees every signer. Before recovery or any send.
            let counts = try await liveChain.transactionCounts()
            if let refusal = ForeignSignerCheck.refusal(wallet: liveChain.operatorAddress, chainID: live.chainID, minedCount: counts.mined,
                                                        pendingCount: counts.pending, highestJournaledNonce: try store.highestJournaledNonce()) {
                throw refusal
            }
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
            try Engine.claim(store, as: DatabaseIdentity(network: "simulated", chainID: "simulated", wallet: simulated.walletAddress), path: path,
                             at: clock.now())
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
        if let keyLocked {
            // `mammon status` reads it from the lock file, which speaks for the running engine only.
            databaseLock.record(keyLocked ? KeyMemory.lockedLockLine : KeyMemory.unlockedLockLine)
        }
        if keyLocked == false {
            // Said where an operator looks: stderr (the journal) now, and the event log.
            FileHandle.standardError.write(Data("mammon: warning: \(KeyMemory.unlockedWarning)\n".utf8))
            await engine.note(source: .service, "warning: " + KeyMemory.unlockedWarning)
        }
        return (engine, store, rpc)
    }

    /// A live chain for `live`, signing with the keystore's key.
    public static func liveChain(_ live: NetworkConfig, network: NetworkSelection, config: MammonConfig, sharePrices: DatabaseSharePrices,
                          liveness: Liveness, logger: Logger) async throws -> (chain: LiveChain, keyLocked: Bool) {
        guard let keystore = network.keystore else {
            throw LiveSetupError("network '\(live.name)' signs real transactions: pass --keystore FILE (and --password-file FILE or $MAMMON_PASSWORD_FILE)")
        }
        let signer = try KeystoreLoader.signer(keystore: keystore, passwordFile: network.passwordFile)
        let options = liveOptions(config: config, sharePrices: sharePrices, liveness: liveness, logger: logger)
        guard let safe = try config.treasurySafe.map({ try Address(hex: $0) }) else {
            return (try await LiveChain.connect(network: live, signer: signer, options: options), signer.keyIsLocked)
        }
        // A fenced treasury: every call through the Safe's Roles module, and the fence exactly the plan
        // before anything is read for a decision (a broader role is refused like a bad config: exit 78).
        let fence = TreasuryFence(safe: safe, rolesModule: FencePlan.predictedModule(safe: safe), logsFromBlock: config.treasuryFromBlock)
        let chain = try await LiveChain.connect(network: live, signer: signer, fence: fence, options: options)
        let differences = try await TreasuryGuard.differences(chain, fence: fence, config: config)
        guard differences.isEmpty else {
            throw ConfigError("the fenced treasury \(safe.checksummed) is not exactly the plan (`mammon treasury check` says the same); refusing to start:\n"
                              + differences.map { "  - \($0)" }.joined(separator: "\n"))
        }
        logger.info("fenced treasury: every call goes through the Roles module", metadata: [
            "safe": "\(safe.checksummed)", "roles_module": "\(fence.rolesModule.checksummed)", "operator": "\(chain.operatorAddress)"])
        return (chain, signer.keyIsLocked)
    }

    /// The database's wallet: the treasury, and in fenced mode the operator too (a database of the Safe
    /// with one operator is refused for another, and for the operator's own plain-mode wallet).
    public static func identityWallet(_ chain: LiveChain) -> String {
        chain.operatorAddress == chain.walletAddress ? chain.walletAddress : "\(chain.walletAddress) via operator \(chain.operatorAddress)"
    }

    public static func liveOptions(config: MammonConfig, sharePrices: DatabaseSharePrices, liveness: Liveness, logger: Logger) -> LiveChainOptions {
        LiveChainOptions(maxFeeGwei: config.maxFeeGwei, sharePriceStore: sharePrices, ethUSDMin: config.ethUSDMin, ethUSDMax: config.ethUSDMax,
                         ethUSDMaxChangePercentPerHour: config.ethUSDMaxChangePctPerHour,
                         sequencerGraceSeconds: UInt64(config.sequencerGraceSeconds),
                         notice: { message in logger.notice("\(message)") }, liveness: liveness)
    }

    /// Records, on first start, every address the node resolved that receives money or allowances,
    /// and refuses a later change unless the operator accepts the new address (`--accept-address`).
    public static func pinAddresses(_ chain: LiveChain, store: AppDatabase, accepting: Set<String>, at now: Date, logger: Logger) throws {
        let resolved = chain.resolvedAddresses.map { (role: $0.role, address: $0.address.checksummed) }
        for role in try Engine.pin(store, resolved, accepting: accepting, at: now) {
            logger.notice("pinned address changed by the operator's --accept-address", metadata: ["role": "\(role)"])
        }
    }

    /// The simulated chain, continuing from the ledger stored in the same database (its changes come
    /// back to the engine as effects, written with the rows and events of the action that caused them).
    /// Blocks take `defaultBlockTime` seconds (2 in the console, as on Base, so each step can be watched;
    /// 0 headless), or MAMMON_SIM_BLOCK_SECONDS when set.
    public static func simulatedChain(config: MammonConfig, store: AppDatabase, clock: any EngineClock,
                               defaultBlockTime: TimeInterval = 0) throws -> SimulatedChain {
        let blockTime = ProcessInfo.processInfo.environment["MAMMON_SIM_BLOCK_SECONDS"].flatMap(TimeInterval.init) ?? defaultBlockTime
        return try SimulatedChain.open(token: config.targetToken, seed: config.simulationSeed, clock: clock,
                                       persisted: try store.simulatedLedger(), maxFeeGwei: config.maxFeeGwei ?? 100,
                                       blockTime: max(0, blockTime))
    }
}

extension NetworkConfig {
    /// What binds a database to this network beyond its chain id: USDC and the markets as configured
    /// (before the node resolves anything), so the same file always gives the same fingerprint.
    public var contractFingerprint: ContractFingerprint {
        // Listed-only markets (an AMM) are never a target.
        let markets: [String] = self.markets.compactMap { $0.isListedOnly ? nil : $0.address?.checksummed }
        return ContractFingerprint(usdc: usdc.checksummed, markets: markets)
    }
}
