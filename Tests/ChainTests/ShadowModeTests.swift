import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// Shadow mode on the devnet for an address whose key exists nowhere: the engine proposes and
/// "executes" moves, every step is checked against the chain (the withdraw by `eth_call` and
/// `eth_estimateGas` from the address, the approve and deposit by `eth_call` with state overrides),
/// and the address's nonce and balances never change. The shadow ledger then earns, to the base
/// unit, what the same deposit really earned on the chain (a twin wallet made it).
final class ShadowModeTests: DevnetTestCase {
    /// No key for this address exists anywhere: nothing could ever sign for it.
    let watched = try! Address(hex: "0x5ad05ad05ad05ad05ad05ad05ad05ad05ad05ad0")
    var wall: MammonCore.ManualClock!

    override func setUp() async throws {
        try await super.setUp()
        wall = MammonCore.ManualClock(try await devnet.chainTime())
        try await devnet.admin("devnet_setStateOverride", [true])  // not part of a snapshot: another test may have turned it off
    }

    /// The shadow chain exactly as `mammon --watch` builds it, on `store`.
    func shadow(_ store: AppDatabase) async throws -> ShadowChain {
        let reader = try await LiveChain.connect(network: try devnet.network(), watching: watched,
                                                 options: LiveChainOptions(receiptPollSeconds: 0.05, wallClock: wall))
        return try await ShadowChain.open(reader: reader, persisted: try store.simulatedLedger(), clock: wall)
    }

    func engine(_ chain: ShadowChain, _ store: AppDatabase, alerts: Bool = false) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        if alerts { config.notifyURLsFile = "/unused: alerts are on" }
        return try Engine(config: config, chain: chain, store: store, clock: wall, approvalMode: .auto)
    }

    /// What the chain says the watched address holds, and its nonces.
    func onChain() async throws -> [String: String] {
        let a = watched.checksummed
        return [
            "nonce": String(try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(a), "latest"])),
            "pending": String(try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(a), "pending"])),
            "eth": try await devnet.rpc.balance(of: a),
            "usdc": try await devnet.uint(devnet.info.usdc, "balanceOf(address)", [.address(watched)]).decimalString,
            "aave": try await devnet.uint(devnet.info.aToken, "scaledBalanceOf(address)", [.address(watched)]).decimalString,
            "moonwell": try await devnet.uint(devnet.info.mToken, "balanceOf(address)", [.address(watched)]).decimalString,
            "vault": try await devnet.uint(devnet.info.vault, "balanceOf(address)", [.address(watched)]).decimalString,
        ]
    }

    /// The test wallet supplies `amount` to Aave on behalf of the watched address (Aave's
    /// `onBehalfOf`): the watched address holds a real position without ever having signed.
    func giveWatchedAnAavePosition(_ amount: TokenAmount) async throws {
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, amount))
        let supply = try ABI.encodeCall("supply(address,uint256,address,uint16)",
                                        [.address(try Address(hex: devnet.info.usdc)), .uint(try UInt256(decimal: String(amount.baseUnits))), .address(watched), .uint(.zero)])
        try await devnet.sendFromTestWallet(to: devnet.info.pool, data: supply)
        try await devnet.admin("devnet_fund", [.string(watched.checksummed), .string("1000000000000000000"), 0])
    }

    func testAShadowMoveIsVerifiedOnChainSendsNothingAndEarnsWhatTheRealDepositEarned() async throws {
        try await giveWatchedAnAavePosition(LiveDevnet.usdc(60_000))
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])  // 10 % APR against Aave's 3 %
        let before = try await onChain()
        let store = try AppDatabase.inMemory()
        let chain = try await shadow(store)
        let engine = try engine(chain, store)
        await engine.open()
        let ran = await engine.runOnce()
        XCTAssertTrue(ran)

        let executions = try store.executions(limit: 5)
        XCTAssertEqual(executions.count, 1)
        let execution = try XCTUnwrap(executions.first)
        XCTAssertEqual(execution.status, .succeeded, execution.error ?? "")
        XCTAssertEqual(execution.recommendation.from, .aaveV3)
        XCTAssertEqual(execution.recommendation.to, .moonwell)
        let steps = Dictionary(uniqueKeysWithValues: try store.steps(executionID: execution.id).map { ($0.step, $0) })
        for step in [ExecutionStep.withdraw, .approve, .deposit] {
            XCTAssertTrue(steps[step]?.txHash?.hasPrefix("shadow:0x") == true, "\(step): \(String(describing: steps[step]?.txHash))")
            XCTAssertGreaterThan(steps[step]?.gasCostUSD ?? 0, 0, "\(step) costs what it would have cost")
        }
        XCTAssertTrue(steps[.withdraw]?.detail?.contains("verified: eth_call and eth_estimateGas from \(watched.checksummed) succeed") == true,
                      steps[.withdraw]?.detail ?? "")
        XCTAssertTrue(steps[.approve]?.detail?.contains("verified: eth_call with the balance the earlier steps leave (state override)") == true,
                      steps[.approve]?.detail ?? "")
        XCTAssertTrue(steps[.deposit]?.detail?.contains("verified: eth_call with the balance and allowance the earlier steps leave (state override)") == true,
                      steps[.deposit]?.detail ?? "")
        // The withdraw's gas is the node's estimate for this address, not the table's.
        XCTAssertNotEqual(steps[.withdraw]?.gasUsed, GasUnits.withdraw(.aaveV3))

        // The would-be transactions are the real ones, unsigned: to the pool / USDC / mToken, for this nonce.
        let attempts = try store.minedTransactions().filter { $0.executionID == execution.id }
        XCTAssertEqual(attempts.count, 3)
        let wouldSend = try store.journal(executionID: execution.id).compactMap(\.rawTransaction).map { try TransactionDecoder.decodeUnsigned(hex: $0) }
        XCTAssertEqual(wouldSend.map { $0.to?.lowercased }, [devnet.info.pool, devnet.info.usdc, devnet.info.mToken].map { $0.lowercased() })
        XCTAssertEqual(wouldSend.map(\.nonce), [0, 1, 2], "the address's next nonces")
        XCTAssertEqual(wouldSend.map(\.value), [.zero, .zero, .zero])
        XCTAssertEqual(wouldSend.map(\.chainID), [devnet.info.chainID, devnet.info.chainID, devnet.info.chainID])
        let exact = try UInt256(decimal: String(execution.recommendation.amount.baseUnits))
        XCTAssertEqual(wouldSend[1].data, try ABI.encodeCall("approve(address,uint256)", [.address(try Address(hex: devnet.info.mToken)), .uint(exact)]),
                       "an exact-amount approval of the Moonwell market")
        XCTAssertEqual(wouldSend[2].data, try ABI.encodeCall("mint(uint256)", [.uint(exact)]))

        // Nothing happened on chain for the watched address.
        let after = try await onChain()
        XCTAssertEqual(after, before)
        XCTAssertEqual(after["nonce"], "0", "the address never sent a transaction")

        // The ledger holds what the move would have left: Moonwell's mTokens for the amount, nothing in Aave.
        let ledger = await chain.ledger
        let amount = execution.recommendation.amount.baseUnits
        let rate = try await devnet.uint(devnet.info.mToken, "exchangeRateStored()")
        XCTAssertEqual(ledger.units[.aaveV3], .zero)
        XCTAssertEqual(ledger.units[.moonwell], try UInt256(decimal: String(amount)) * UInt256(1_000_000_000_000_000_000) / rate)
        XCTAssertEqual(ledger.idle, 0)

        // The twin: the test wallet makes the same deposit for real, at the same exchange rate.
        try await devnet.admin("devnet_fund", [.string(DevnetHarness.walletAddress), 0, .string(String(amount))])
        let twin = try await devnet.chain()
        try await devnet.send(twin, .approve(.usdc, spender: .moonwell, execution.recommendation.amount))
        try await devnet.send(twin, .deposit(.moonwell, .usdc, execution.recommendation.amount))

        // A hand-moved week: Moonwell's exchange rate and Aave's index rise as the markets pay interest.
        try await devnet.admin("devnet_setMoonwellExchangeRate", [.string((rate * UInt256(10_019) / UInt256(10_000)).decimalString)])
        let index = try await devnet.uint(devnet.info.pool, "getReserveNormalizedIncome(address)", [.address(try Address(hex: devnet.info.usdc))])
        try await devnet.admin("devnet_setAaveIndex", [.string((index * UInt256(10_006) / UInt256(10_000)).decimalString)])
        try await devnet.advanceChainTime(seconds: 7 * 86_400, wall: wall)
        let second = await engine.runOnce()
        XCTAssertTrue(second)

        let intervals = EarningsCalculator.intervals(try store.balanceObservations(), flows: try store.treasuryFlows())
        let week = EarningsCalculator.window(intervals, span: .all)
        let twinBalance = try await devnet.mTokenUnderlying()
        let twinEarned = try XCTUnwrap(Int128(twinBalance.decimalString)) - Int128(amount)
        XCTAssertGreaterThan(twinEarned, 0)
        XCTAssertEqual(week.markets[.moonwell]?.earned, twinEarned, "the shadow ledger earned what the real deposit earned")
        XCTAssertEqual(week.markets[.aaveV3]?.earned ?? 0, 0, "the shadow left Aave before its index rose")
        XCTAssertEqual(week.treasury.earned, twinEarned)
        // The scorecard judges the shadow move against the source's measured APY, as a real one.
        let scores = RebalanceScorecard.score(try store.moveRecords(), intervals: intervals).moves
        XCTAssertEqual(scores.count, 1)
        let weekLater = try await onChain()
        XCTAssertEqual(weekLater, before, "a week later the chain still shows nothing sent")
    }

    func testANodeWithoutStateOverridesIsReportedAsSuchAndTheRunStillSendsNothing() async throws {
        try await devnet.admin("devnet_fund", [.string(watched.checksummed), .string("1000000000000000000"), .string("25000000000")])
        try await devnet.admin("devnet_setStateOverride", [false])
        let before = try await onChain()
        let store = try AppDatabase.inMemory()
        let engine = try engine(try await shadow(store), store)
        await engine.open()
        let ran = await engine.runOnce()
        XCTAssertTrue(ran)
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertNil(execution.recommendation.from, "the idle 25,000 USDC is deployed")
        XCTAssertEqual(execution.status, .succeeded, execution.error ?? "")
        let steps = Dictionary(uniqueKeysWithValues: try store.steps(executionID: execution.id).map { ($0.step, $0) })
        XCTAssertTrue(steps[.approve]?.detail?.contains("approve not verifiable on this endpoint") == true, steps[.approve]?.detail ?? "")
        XCTAssertTrue(steps[.deposit]?.detail?.contains("deposit not verifiable on this endpoint") == true, steps[.deposit]?.detail ?? "")
        let after = try await onChain()
        XCTAssertEqual(after, before)
    }

    func testADepositTheChainWouldRefuseFailsTheShadowExecutionAsItWouldLive() async throws {
        try await devnet.admin("devnet_fund", [.string(watched.checksummed), .string("1000000000000000000"), .string("25000000000")])
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])  // the best market, and paused
        try await devnet.admin("devnet_setPaused", ["moonwell", true])
        let store = try AppDatabase.inMemory()
        let chain = try await shadow(store)
        let engine = try engine(chain, store, alerts: true)
        await engine.open()
        _ = await engine.runOnce()
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertEqual(execution.recommendation.to, .moonwell)
        // Its alert says whose run it is: a shadow failure never reads as real money.
        let titles = try store.outboxAlerts().map(\.alert.title)
        XCTAssertTrue(titles.contains("[shadow devnet] Execution failed"), "\(titles)")
        XCTAssertEqual(execution.status, .failed)
        XCTAssertEqual(execution.failedStep, .deposit, execution.error ?? "")
        XCTAssertTrue(execution.error?.contains("mint is paused") == true, execution.error ?? "")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.idle, 25_000_000_000, "a refused deposit moves nothing in the ledger either")
        XCTAssertEqual(ledger.units[.moonwell] ?? .zero, .zero)
    }

    /// Funds the ledger holds in a market the network no longer lists are an error, never a zero.
    func testUnitsInAMarketNoLongerConfiguredAreAnErrorNeverZero() async throws {
        let network = try NetworkRegistry.parse([
            "name": "devnet", "chain_id": .integer(Int(devnet.info.chainID)), "rpc_urls": [.string(devnet.info.rpcURL)],
            "usdc": .string(devnet.info.usdc), "eth_usd_feed": .string(devnet.info.feed),
            "markets": [["protocol": "aave-v3", "pool": .string(devnet.info.pool)], ["protocol": "moonwell", "m_token": .string(devnet.info.mToken)]],
        ], source: "devnet without the vault")
        let reader = try await LiveChain.connect(network: network, watching: watched, options: LiveChainOptions(wallClock: wall))
        let ledger = ShadowLedger(idle: 0, units: [.morphoVault: UInt256(1_000_000_000_000)])
        let chain = try await ShadowChain.open(reader: reader, persisted: ledger.persisted, clock: wall)
        let scan = await liveError { try await chain.scanMarkets(token: .usdc) }
        XCTAssertTrue(scan?.contains("not configured") == true, scan ?? "scanned a zero")
        let position = await liveError { try await chain.position(in: .morphoVault, token: .usdc) }
        XCTAssertTrue(position?.contains("not configured") == true, position ?? "read a zero")
    }

    /// No code path in shadow mode reaches a signer: none exists in the object graph the engine runs
    /// on, and the watch-only reader refuses to sign or send. The same walk finds the signer of a
    /// live chain, so it can see one.
    func testShadowModeHoldsNoSignerAnywhere() async throws {
        let store = try AppDatabase.inMemory()
        let chain = try await shadow(store)
        let engine = try engine(chain, store)
        XCTAssertEqual(SignerSearch.signers(in: engine), [], "a signer is reachable from the shadow engine")
        XCTAssertEqual(SignerSearch.signers(in: chain), [])
        let live = try await devnet.chain()
        XCTAssertEqual(SignerSearch.signers(in: live).count, 1, "the walk finds a live chain's signer")

        let refused = await liveError { try await chain.reader.prepare(.approve(.usdc, spender: .moonwell, LiveDevnet.usdc(1))) }
        XCTAssertTrue(refused?.contains("watch-only") == true, refused ?? "signed")
        let sent = await liveError {
            try await chain.reader.broadcast(PreparedTransaction(hash: "0x00", rawTransaction: "0x02", nonce: 0, gasLimit: 21_000,
                                                                 action: .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(1))))
        }
        XCTAssertTrue(sent?.contains("watch-only") == true, sent ?? "sent")
        let notShadow = await liveError {
            try await chain.broadcast(PreparedTransaction(hash: "0x" + String(repeating: "ab", count: 32), rawTransaction: "0x02", nonce: 0,
                                                          gasLimit: 21_000, action: .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(1))))
        }
        XCTAssertNotNil(notShadow, "the shadow chain accepts only its own would-be transactions")
    }
}

/// Walks an object graph by reflection and names every value that can sign.
enum SignerSearch {
    static func signers(in root: Any) -> [String] {
        var seen = Set<ObjectIdentifier>()
        var found: [String] = []
        func walk(_ value: Any, path: String, depth: Int) {
            guard depth < 40 else { return }
            let mirror = Mirror(reflecting: value)
            // (An Optional holding a signer casts to one too: count the value, not its wrapper.)
            if mirror.displayStyle != .optional, value is any Signer { found.append(path) }
            if mirror.displayStyle == .class {
                let id = ObjectIdentifier(value as AnyObject)
                guard seen.insert(id).inserted else { return }
            }
            var m: Mirror? = mirror
            while let current = m {
                for (i, child) in current.children.enumerated() { walk(child.value, path: path + "." + (child.label ?? "\(i)"), depth: depth + 1) }
                m = current.superclassMirror
            }
        }
        walk(root, path: "root", depth: 0)
        return found
    }
}
