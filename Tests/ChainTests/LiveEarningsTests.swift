import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// Earnings measured by the engine on the devnet, where the test contracts pay interest the way the
/// real markets do (Aave's liquidity index, Moonwell's exchange rate, the vault's share price): what
/// the position history says each market earned is what the chain's balances grew by.
final class LiveEarningsTests: DevnetTestCase {
    func balances() async throws -> [MarketID: UInt256] {
        [.aaveV3: try await devnet.aTokenBalance(), .moonwell: try await devnet.mTokenUnderlying(), .morphoVault: try await devnet.vaultAssets()]
    }

    func int(_ value: UInt256) throws -> Int128 { try XCTUnwrap(Int128(value.decimalString)) }

    func testMeasuredEarningsAreTheBalanceGrowthTheContractsPaid() async throws {
        // The chain's time as the engine's wall clock: this test moves chain time on by hand.
        let wall = MammonCore.ManualClock(try await devnet.chainTime())
        let chain = try await devnet.chain(options: LiveChainOptions(receiptPollSeconds: 0.05, wallClock: wall))
        for (market, whole) in [(MarketID.aaveV3, UInt128(50_000)), (.moonwell, 40_000), (.morphoVault, 10_000)] {
            try await devnet.send(chain, .approve(.usdc, spender: market, LiveDevnet.usdc(whole)))
            try await devnet.send(chain, .deposit(market, .usdc, LiveDevnet.usdc(whole)))
        }
        var config = MammonConfig()
        config.maxTransactionValueUSD = 1_000_000
        config.gates.minAPYImprovement = 100 // measuring only: no move is worth it here
        let store = try AppDatabase.inMemory()
        let engine = try Engine(config: config, chain: chain, store: store, clock: SystemClock(), approvalMode: .auto)
        await engine.open()
        let first = await engine.runOnce()
        XCTAssertTrue(first)
        var onChain = [try await balances()]
        for round in 1...2 {
            // Interest as each market pays it.
            let index = try await devnet.uint(devnet.info.pool, "getReserveNormalizedIncome(address)", [.address(try Address(hex: devnet.info.usdc))])
            try await devnet.admin("devnet_setAaveIndex", [.string((index * UInt256(10_004) / UInt256(10_000)).decimalString)])
            let rate = try await devnet.uint(devnet.info.mToken, "exchangeRateStored()")
            try await devnet.admin("devnet_setMoonwellExchangeRate", [.string((rate * UInt256(10_003) / UInt256(10_000)).decimalString)])
            try await devnet.admin("devnet_vaultAccrue", [.string(String(5_000_000 * round))])
            try await devnet.advanceChainTime(seconds: 1200, wall: wall)
            let ok = await engine.runOnce()
            XCTAssertTrue(ok, "scan \(round + 1)")
            onChain.append(try await balances())
        }

        let history = try store.balanceObservations()
        XCTAssertEqual(history.count, 3)
        XCTAssertTrue(history.allSatisfy { $0.block != nil }, "each scan names its block on a live chain")
        XCTAssertEqual(history.compactMap(\.block), history.compactMap(\.block).sorted())
        XCTAssertEqual(try store.treasuryFlows(), [], "the engine moved nothing: every change is interest")
        let intervals = EarningsCalculator.intervals(history, flows: [])
        XCTAssertEqual(intervals.count, 2)
        var total: Int128 = 0
        for (i, interval) in intervals.enumerated() {
            for market in [MarketID.aaveV3, .moonwell, .morphoVault] {
                let grew = try int(onChain[i + 1][market]!) - int(onChain[i][market]!)
                XCTAssertGreaterThan(grew, 0, "\(market) paid interest in interval \(i)")
                XCTAssertEqual(interval.markets[market]?.earned, grew, "\(market), interval \(i)")
                total += grew
            }
        }
        XCTAssertEqual(EarningsCalculator.window(intervals, span: .all).treasury.earned, total)
        // The first interval: Aave's index rose 0.04 % on 50,000 (20 USDC, to the base unit of the aToken's rounding).
        XCTAssertEqual(intervals[0].markets[.aaveV3]?.earned, try int(onChain[1][.aaveV3]!) - int(onChain[0][.aaveV3]!))
        XCTAssertEqual(history.map { $0.markets.first { $0.marketID == .aaveV3 }?.amount.baseUnits }, try onChain.map { UInt128(try int($0[.aaveV3]!)) })
    }
}
