import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// Reads on the devnet: round trips of a scan, what a failed read does, and transaction status
/// for crash recovery.
final class LiveScanTests: DevnetTestCase {
    func testScanOfEveryMarketTakesOneHTTPRoundTrip() async throws {
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1_000)))
        try await devnet.send(chain, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(1_000)))
        try await devnet.admin("devnet_setAaveRate", ["0x295be96e64066972000000"])  // 5e25 = 5 % APR
        let before = try await devnet.admin("devnet_stats")
        let markets = try await chain.scanMarkets(token: .usdc)
        let after = try await devnet.admin("devnet_stats")
        let requests = (after["http_requests"]?.intValue ?? 0) - (before["http_requests"]?.intValue ?? 0) - 1
        XCTAssertEqual(requests, 1, "one batch for every market: no read waits for another's answer (a vault's position included)")
        // Every snapshot names the block it was read at (the position history keeps it).
        let head = try await devnet.blockNumber()
        XCTAssertEqual(Set(markets.map(\.block)), [head])
        let aave = try XCTUnwrap(markets.first { $0.quote.marketID == .aaveV3 })
        XCTAssertEqual(aave.quote.apy, Decimal(string: "5.12711"))
        XCTAssertEqual(aave.position, LiveDevnet.usdc(1_000))
        XCTAssertEqual(aave.quote.tvlUSD, 1_001_000)
        let moonwell = try XCTUnwrap(markets.first { $0.quote.marketID == .moonwell })
        XCTAssertEqual(moonwell.quote.apy.fixed(2), "4.08")
    }

    func testFailedReadIsAnErrorNeverZero() async throws {
        let network = try devnet.network()
        var offline = network
        offline.rpcURLs = ["http://127.0.0.1:9"]
        let unreachable = await liveError { try await LiveChain.connect(network: offline, signer: try LiveDevnet.signer()) }
        XCTAssertNotNil(unreachable, "an unreachable node is an error, not an empty market list")
        // A market address with no contract: eth_call returns no data, which is not an address or a balance.
        var broken = network
        broken.markets = [.compoundV2(.moonwell, mToken: try Address(hex: "0x00000000000000000000000000000000000000bb"))]
        let noContract = await liveError { try await LiveChain.connect(network: broken, signer: try LiveDevnet.signer()) }
        XCTAssertTrue(noContract?.contains("Moonwell underlying: unexpected result") ?? false, noContract ?? "connected to a market with no contract")
        // An account without code answers empty data to any call; a balance read from it throws.
        let chain = try await devnet.chain()
        let before = try await chain.walletBalance(token: .usdc)
        XCTAssertEqual(before, LiveDevnet.usdc(100_000))
        let wrongUSDC = try Address(hex: "0x00000000000000000000000000000000000000bb")
        let data = await liveError { try await chain.client.call(ContractCall(to: wrongUSDC, data: try ABI.encodeCall("balanceOf(address)", [.address(self.devnet.wallet)]), label: "balanceOf")) }
        XCTAssertNil(data, "a call to an empty account answers empty data …")
        var wrongNetwork = network
        wrongNetwork.usdc = wrongUSDC
        let wrongToken = await liveError { try await LiveChain.connect(network: wrongNetwork, signer: try LiveDevnet.signer()) }
        XCTAssertTrue(wrongToken?.contains("USDC decimals: unexpected result: no word 0 in 0 bytes") ?? false, wrongToken ?? "read as a token")
    }

    func testTransactionStatusForRecovery() async throws {
        let chain = try await devnet.chain()
        let tx = try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(5)))
        let before = try await chain.transactionStatus(tx)
        XCTAssertEqual(before, .unknown, "signed and journaled but never sent")
        try await chain.broadcast(tx)
        let after = try await chain.transactionStatus(tx)
        guard case .mined(let receipt) = after else { return XCTFail("expected mined, got \(after)") }
        XCTAssertTrue(receipt.succeeded)
        XCTAssertEqual(receipt.hash, tx.hash)

        // Another transaction took this one's nonce: it can never be mined.
        let orphan = try await chain.prepare(.approve(.usdc, spender: .moonwell, LiveDevnet.usdc(5)))
        let other = try await chain.prepare(.approve(.usdc, spender: .morphoVault, LiveDevnet.usdc(5)))
        XCTAssertEqual(orphan.nonce, other.nonce)
        try await chain.broadcast(other)
        _ = try await chain.awaitReceipt(other)
        let replaced = try await chain.transactionStatus(orphan)
        XCTAssertEqual(replaced, .replaced)
    }

    func testReplacementKeepsTheNonceAndRaisesBothFeesUnderTheCeiling() async throws {
        let chain = try await devnet.chain()
        let first = try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(7)))
        let second = try await chain.replacement(for: first)
        XCTAssertEqual(second.nonce, first.nonce)
        XCTAssertNotEqual(second.hash, first.hash)
        XCTAssertEqual(second.maxFeePerGasWei, first.maxFeePerGasWei.map { $0 * 11 / 10 + 1 })
        XCTAssertEqual(second.maxPriorityFeePerGasWei, first.maxPriorityFeePerGasWei.map { $0 * 11 / 10 + 1 })
        let decoded = try TransactionDecoder.decode(hex: second.rawTransaction)
        XCTAssertEqual(try decoded.recoverSender(), devnet.wallet)
        try await chain.broadcast(second)
        _ = try await chain.awaitReceipt(second)
        let status = try await chain.transactionStatus(first)
        XCTAssertEqual(status, .replaced)

        // At the ceiling a raise is refused, naming the fee it would need.
        let capped = try await devnet.chain(options: LiveChainOptions(maxFeeGwei: Decimal(string: "0.000000001")!, receiptPollSeconds: 0.05))
        let error = await liveError { try await capped.replacement(for: PreparedTransaction(
            hash: first.hash, rawTransaction: first.rawTransaction, nonce: first.nonce, gasLimit: first.gasLimit, action: first.action,
            maxFeePerGasWei: 1, maxPriorityFeePerGasWei: 1)) }
        XCTAssertTrue(error?.contains("above MAX_FEE_GWEI") ?? false, error ?? "replaced above the ceiling")
    }

    func testReplacementRefusesJournaledBytesThatDoNotMakeTheStepsCall() async throws {
        let chain = try await devnet.chain()
        let approve = try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(7)))
        func journaled(_ raw: String, as action: ChainAction, cancellation: Bool = false) -> PreparedTransaction {
            PreparedTransaction(hash: approve.hash, rawTransaction: raw, nonce: approve.nonce, gasLimit: approve.gasLimit, action: action,
                                maxFeePerGasWei: approve.maxFeePerGasWei, maxPriorityFeePerGasWei: approve.maxPriorityFeePerGasWei,
                                isCancellation: cancellation)
        }
        // The approve's bytes journaled for a deposit step: another contract and function.
        let otherContract = await liveError { try await chain.replacement(for: journaled(approve.rawTransaction, as: .deposit(.aaveV3, .usdc, LiveDevnet.usdc(7)))) }
        XCTAssertTrue(otherContract?.contains("nothing is re-signed") ?? false, otherContract ?? "re-signed an approve as a deposit")
        XCTAssertTrue(otherContract?.contains("selector 0x095ea7b3") ?? false, otherContract ?? "")
        // The right contract (USDC) but another function: transfer(address,uint256) journaled for the approve step.
        let transfer = try ABI.encodeCall("transfer(address,uint256)", [.address(try Address(hex: devnet.info.deployer)), .uint(7_000_000)])
        guard case .eip1559(var forged) = try TransactionDecoder.decode(hex: approve.rawTransaction).transaction else {
            return XCTFail("the approve is not a type-2 transaction")
        }
        forged.data = transfer
        let forgedRaw = try await forged.sign(with: try LiveDevnet.signer()).rawHex
        let otherFunction = await liveError { try await chain.replacement(for: journaled(forgedRaw, as: approve.action)) }
        XCTAssertTrue(otherFunction?.contains("nothing is re-signed") ?? false, otherFunction ?? "re-signed a transfer as an approve")
        // A contract call journaled as a cancellation is refused too; the honest ones are replaced.
        let notACancellation = await liveError { try await chain.replacement(for: journaled(approve.rawTransaction, as: approve.action, cancellation: true)) }
        XCTAssertTrue(notACancellation?.contains("cancellation") ?? false, notACancellation ?? "re-signed a call as a cancellation")
        let honest = try await chain.replacement(for: approve)
        XCTAssertEqual(honest.nonce, approve.nonce)
        let cancel = try await chain.cancellation(for: approve)
        let raisedCancel = try await chain.replacement(for: cancel)
        XCTAssertTrue(raisedCancel.isCancellation)
    }

    func testL1DataFeeFromTheGasPriceOracleInQuotesAndReceiptsAndZeroWithoutOne() async throws {
        let plain = try await devnet.chain()
        let noL1 = try await plain.feeQuote()
        XCTAssertEqual(noL1.l1FeeUSDPerTransaction, 0, "a network without the oracle has no L1 fee")
        let plainReceipt = try await devnet.send(plain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1)))
        XCTAssertEqual(plainReceipt.l1FeeWei, 0)

        let op = try await devnet.chain(l1Fees: true)
        let quote = try await op.feeQuote()
        XCTAssertGreaterThan(quote.l1FeeUSDPerTransaction, 0)
        let tx = try await op.prepare(.approve(.usdc, spender: .moonwell, LiveDevnet.usdc(2)))
        try await op.broadcast(tx)
        let receipt = try await op.awaitReceipt(tx)
        guard case .eip1559(let body) = try TransactionDecoder.decode(hex: tx.rawTransaction).transaction else { return XCTFail("not type 2") }
        // The stand-in charges 1 gwei per byte of the unsigned transaction plus 68 signature bytes.
        XCTAssertEqual(receipt.l1FeeWei, UInt128(body.signingPayload().count + 68) * 1_000_000_000)
        XCTAssertEqual(receipt.totalFeeWei, UInt128(receipt.gasUsed) * receipt.effectiveGasPriceWei + receipt.l1FeeWei)
    }

    func testAavePoolIsReadFromItsAddressesProvider() async throws {
        var json = devnet.networkFile().objectValue!
        json["markets"] = [["protocol": "aave-v3", "pool_addresses_provider": .string(devnet.info.aavePoolAddressesProvider)]]
        let network = try NetworkRegistry.parse(.object(json))
        let chain = try await LiveChain.connect(network: network, signer: try LiveDevnet.signer())
        let listings = try await chain.listings(token: .usdc)
        XCTAssertEqual(listings.map(\.address), [try Address(hex: devnet.info.pool).checksummed])
        XCTAssertEqual(listings.first?.apy?.fixed(3), "3.045")
    }
}
