import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// The engine moving real funds on the devnet: scans, gates, signed type-2 transactions, receipts,
/// and balances read back from the chain.
final class LiveRebalanceTests: DevnetTestCase {
    static let dust = UInt256(2)
    /// 10 % APR per second, 1e18-scaled.
    static let moonwellTenPercent: JSONValue = "3170979198"

    func engine(_ chain: LiveChain) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        return try Engine(config: config, chain: chain, store: try AppDatabase.inMemory(), clock: SystemClock(), approvalMode: .auto)
    }

    func testEngineMovesAavePositionToMoonwellWithSignedTransactions() async throws {
        let chain = try await devnet.chain()
        let all = LiveDevnet.usdc(100_000)
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, all))
        let supplied = try await devnet.send(chain, .deposit(.aaveV3, .usdc, all))
        XCTAssertTrue(supplied.succeeded)
        let aBefore = try await devnet.aTokenBalance()
        XCTAssertEqual(aBefore, UInt256(100_000_000_000))
        try await devnet.admin("devnet_setMoonwellRate", [Self.moonwellTenPercent])

        let startBlock = try await devnet.blockNumber()
        let ethBefore = try await devnet.ethBalance()
        let engine = try engine(chain)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertTrue(ok, "the cycle failed")

        // From the chain: everything arrived in Moonwell, nothing left behind.
        let mPosition = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(mPosition, UInt256(100_000_000_000) - Self.dust)
        let aAfter = try await devnet.aTokenBalance()
        XCTAssertLessThanOrEqual(aAfter, Self.dust)
        let walletUSDC = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(walletUSDC, Self.dust)

        // withdraw → approve → mint, as type-2 transactions, and the ETH spent is what the receipts say.
        let sent = try await devnet.walletTransactions(after: startBlock)
        XCTAssertEqual(sent.count, 3)
        XCTAssertEqual(sent.map { $0.tx["type"]?.stringValue }, ["0x2", "0x2", "0x2"])
        XCTAssertEqual(sent.map { $0.tx["to"]?.stringValue?.lowercased() },
                       [devnet.info.pool, devnet.info.usdc, devnet.info.mToken].map { $0.lowercased() })
        XCTAssertTrue(sent.allSatisfy { $0.receipt["status"]?.stringValue == "0x1" })
        let ethAfter = try await devnet.ethBalance()
        XCTAssertEqual(ethBefore - ethAfter, try LiveDevnet.gasPaid(sent.map(\.receipt)))
    }
}
