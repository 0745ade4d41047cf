import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// What goes wrong on a real chain, on the devnet: reverts, error codes, a wrong chain, a stale
/// feed, fees above the ceiling, a dead endpoint.
final class LiveFailureTests: DevnetTestCase {
    func engine(_ chain: LiveChain, store: AppDatabase) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        return try Engine(config: config, chain: chain, store: store, clock: SystemClock(), approvalMode: .auto)
    }

    func testStepThatRevertsOnChainFailsWithTheDecodedReason() async throws {
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .morphoVault, LiveDevnet.usdc(500)))
        // Simulated and signed while the vault is open; mined after it pauses.
        let tx = try await chain.prepare(.deposit(.morphoVault, .usdc, LiveDevnet.usdc(500)))
        try await devnet.admin("devnet_setPaused", ["morpho-vault", true])
        try await chain.broadcast(tx)
        let receipt = try await chain.awaitReceipt(tx)
        XCTAssertFalse(receipt.succeeded)
        XCTAssertEqual(receipt.revertReason, "reverted: vault: paused")
        XCTAssertGreaterThan(receipt.gasUsed, 0, "a reverted transaction still pays gas")
        // Broadcasting the same bytes again is harmless.
        try await chain.broadcast(tx)
    }

    func testEngineDoesNotSendAStepWhoseSimulationReverts() async throws {
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(100_000)))
        try await devnet.send(chain, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(100_000)))
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])
        try await devnet.admin("devnet_setPaused", ["aave-v3", true])
        let start = try await devnet.blockNumber()
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.count, 0, "a step that reverts in eth_call is never signed or sent")
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertEqual(execution.status, .failed)
        XCTAssertTrue(execution.error?.contains("Aave withdraw reverted: 29") ?? false, execution.error ?? "")
        let inAave = try await devnet.aTokenBalance()
        XCTAssertEqual(inAave, UInt256(100_000_000_000))
    }

    func testMintErrorCodeStopsTheStepBeforeSigning() async throws {
        let chain = try await devnet.chain()
        try await devnet.admin("devnet_failNextMint", ["13"])
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertEqual(execution.failedStep, .deposit)
        XCTAssertTrue(execution.error?.contains("error code 13 (TOKEN_INSUFFICIENT_BALANCE)") ?? false, execution.error ?? "")
        let idle = try await devnet.usdcBalance()
        XCTAssertEqual(idle, UInt256(100_000_000_000), "nothing left the wallet")
    }

    func testMintErrorCodeAfterSigningFailsTheReceiptFromTheFailureLog() async throws {
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(500)))
        let tx = try await chain.prepare(.deposit(.moonwell, .usdc, LiveDevnet.usdc(500)))
        try await devnet.admin("devnet_failNextMint", ["14"])
        try await chain.broadcast(tx)
        let receipt = try await chain.awaitReceipt(tx)
        XCTAssertFalse(receipt.succeeded, "the transaction did not revert, but the market refused")
        XCTAssertTrue(receipt.revertReason?.contains("Failure(error 14 TOKEN_INSUFFICIENT_CASH") ?? false, receipt.revertReason ?? "")
        // The same Failure event through eth_getLogs.
        let failures = try await chain.client.logs(address: try Address(hex: devnet.info.mToken),
                                                   topic0: Keccak256.hash("Failure(uint256,uint256,uint256)"),
                                                   fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber)
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?.data.prefix(32).last, 14)
    }

    func testNodeWithAnotherChainIDIsRefusedBeforeSigning() async throws {
        let wrong = try await DevnetHarness.start(chainID: 999, deploy: false)
        defer { wrong.stop() }
        let error = await liveError {
            try await LiveChain.connect(network: try self.devnet.network(rpcURLs: [wrong.info.rpcURL]), signer: try LiveDevnet.signer())
        }
        XCTAssertTrue(error?.contains("refusing to sign: network 'devnet' is chain 31337 but the node at \(wrong.info.rpcURL) reports chain 999") ?? false,
                      error ?? "connected")
    }

    func testStaleOrIncompletePriceBlocksSpending() async throws {
        let chain = try await devnet.chain()
        let head = try await devnet.rpc.request("eth_getBlockByNumber", ["latest", false])
        let now = try EVM.Hex.parseQuantity(head["timestamp"]?.stringValue ?? "")
        try await devnet.admin("devnet_setFeedAnswer", ["250000000000", .integer(Int(now) - 7200)])
        let stale = await liveError { try await chain.feeQuote() }
        XCTAssertTrue(stale?.contains("is stale") ?? false, stale ?? "no error")
        let prepare = await liveError { try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1))) }
        XCTAssertTrue(prepare?.contains("is stale") ?? false, prepare ?? "signed with a stale price")

        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let start = try await devnet.blockNumber()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.count, 0)

        try await devnet.admin("devnet_setFeedRound", ["7", "250000000000", .integer(Int(now)), .integer(Int(now)), "6"])
        let incomplete = await liveError { try await chain.feeQuote() }
        XCTAssertTrue(incomplete?.contains("round 7 is incomplete") ?? false, incomplete ?? "no error")
    }

    func testFeeAboveTheCeilingWaitsThenFailsNamingTheFee() async throws {
        let clock = ManualClock()
        let notices = NoticeLog()
        let beats = NoticeLog()
        let liveness = Liveness()
        liveness.connect { beats.append("beat") }
        let options = LiveChainOptions(maxFeeGwei: 100, feeWaitSeconds: 60, feePollSeconds: 15, receiptPollSeconds: 0.05,
                                       notice: { notices.append($0) }, liveness: liveness)
        let chain = try await devnet.chain(options: options, clock: clock)
        try await devnet.admin("devnet_setBaseFee", ["200000000000"])
        try await devnet.admin("evm_mine")
        let error = await liveError { try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1))) }
        XCTAssertTrue(error?.contains("max fee 400.001 gwei (2 × base fee + tip) is above MAX_FEE_GWEI 100 gwei") ?? false, error ?? "signed")
        XCTAssertEqual(clock.sleeps, [15, 15, 15, 15], "waited through the injected clock")
        XCTAssertEqual(beats.all.count, 4, "each poll of the wait told the watchdog the cycle is alive")
        XCTAssertTrue(notices.all.first?.contains("is above MAX_FEE_GWEI 100") ?? false)
        try await devnet.admin("devnet_setBaseFee", [nil])
    }

    func testUnreachableEndpointFailsOverToTheHealthyOne() async throws {
        let chain = try await devnet.chain(rpcURLs: ["http://127.0.0.1:9", devnet.info.rpcURL])
        let markets = try await chain.scanMarkets(token: .usdc)
        XCTAssertEqual(markets.map(\.quote.marketID), [.aaveV3, .moonwell, .morphoVault])
        let balance = try await chain.walletBalance(token: .usdc)
        XCTAssertEqual(balance, LiveDevnet.usdc(100_000))
        let health = await chain.client.rpc.endpointHealth()
        XCTAssertNotNil(health[0].lastError)
        XCTAssertGreaterThan(health[1].roundTrips, 0)
    }
}

final class NoticeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
