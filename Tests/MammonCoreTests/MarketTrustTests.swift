import Foundation
import MammonCore
import XCTest

/// No move on a guess, a spike or an exit that cannot happen.
final class MarketTrustTests: XCTestCase {
    let t = Date(timeIntervalSince1970: 0)
    let optimizer = YieldOptimizer(allowed: [.aaveV3, .moonwell, .morphoVault], minimumAmountUSD: 100, maxTransactionValueUSD: 1000,
                                   trust: MarketTrust(maxAPYPct: 50, liquidityMultiple: 2))

    func m(_ p: MarketID, _ apy: String, position: UInt128 = 0, liquidity: UInt128? = 1_000_000_000_000,
           measured: Bool = true) -> MarketSnapshot {
        MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: Decimal(string: apy)!, observedAt: t),
                       position: TokenAmount(baseUnits: position, decimals: 6), apyMeasured: measured,
                       withdrawableLiquidity: liquidity.map { TokenAmount(baseUnits: $0, decimals: 6) })
    }

    func plan(_ markets: [MarketSnapshot], idle: UInt128 = 0) -> (recommendations: [RebalanceRecommendation], exclusions: [MarketTrust.Exclusion]) {
        optimizer.plan(markets: markets, idle: TokenAmount(baseUnits: idle, decimals: 6), token: .usdc) { UUID() }
    }

    func testAnUnmeasuredVaultIsNeitherSourceNorTarget() {
        // The vault shows "0 %" before its first window: its position is not moved out on that guess...
        let out = plan([m(.morphoVault, "0", position: 500_000_000, measured: false), m(.aaveV3, "3")])
        XCTAssertTrue(out.recommendations.isEmpty)
        XCTAssertEqual(out.exclusions, [.unmeasured(.morphoVault)])
        // ...and an unmeasured vault is never a target, whatever it claims.
        let idle = plan([m(.morphoVault, "9", measured: false), m(.aaveV3, "3")], idle: 200_000_000)
        XCTAssertEqual(idle.recommendations.map(\.to), [.aaveV3])
    }

    func testWhetherAMarketMayReceiveAnAmountIsDecidedOnTheScanAtHand() {
        let trust = optimizer.trust
        let amount = TokenAmount(baseUnits: 500_000_000, decimals: 6)
        let markets = [m(.moonwell, "6", liquidity: 750_000_000), m(.aaveV3, "3"), m(.morphoVault, "80")]
        XCTAssertNil(trust.receiveExclusion(of: amount, into: .aaveV3, markets: markets))
        XCTAssertEqual(trust.receiveExclusion(of: amount, into: .moonwell, markets: markets),
                       .illiquid(.moonwell, available: TokenAmount(baseUnits: 750_000_000, decimals: 6), needed: TokenAmount(baseUnits: 1_000_000_000, decimals: 6)))
        XCTAssertEqual(trust.receiveExclusion(of: amount, into: .morphoVault, markets: markets), .apyAboveCeiling(.morphoVault, apy: 80, ceiling: 50))
        // A market the scan did not return cannot be checked, so it receives nothing.
        XCTAssertEqual(trust.receiveExclusion(of: amount, into: .moonwell, markets: [m(.aaveV3, "3")]), .notScanned(.moonwell))
    }

    func testAnAPYAboveTheCeilingIsReportedAndNeverChased() {
        let out = plan([m(.moonwell, "80", liquidity: 1_000_000_000_000), m(.aaveV3, "3", position: 500_000_000), m(.morphoVault, "4")])
        XCTAssertEqual(out.recommendations.map(\.to), [.morphoVault], "the next trusted market, not the spike")
        XCTAssertEqual(out.exclusions, [.apyAboveCeiling(.moonwell, apy: 80, ceiling: 50)])
        XCTAssertTrue(out.exclusions[0].description.contains("MAX_APY_PCT"))
    }

    func testATargetMustBeAbleToPayTheMoneyBack() {
        // Moonwell pays most but holds only 1.5× the 500 USDC move in cash: the vault gets it.
        let out = plan([m(.moonwell, "6", liquidity: 750_000_000), m(.aaveV3, "3", position: 500_000_000), m(.morphoVault, "5")])
        XCTAssertEqual(out.recommendations.map(\.to), [.morphoVault])
        XCTAssertEqual(out.exclusions, [.illiquid(.moonwell, available: TokenAmount(baseUnits: 750_000_000, decimals: 6),
                                                  needed: TokenAmount(baseUnits: 1_000_000_000, decimals: 6))])
        // Exactly 2× is enough.
        let enough = plan([m(.moonwell, "6", liquidity: 1_000_000_000), m(.aaveV3, "3", position: 500_000_000)])
        XCTAssertEqual(enough.recommendations.map(\.to), [.moonwell])
        // Unknown liquidity is not a target either.
        let unknown = plan([m(.moonwell, "6", liquidity: nil), m(.aaveV3, "3", position: 500_000_000)])
        XCTAssertTrue(unknown.recommendations.isEmpty)
        XCTAssertEqual(unknown.exclusions, [.liquidityUnknown(.moonwell)])
    }

    func testOldStoredSnapshotsDecodeAsMeasuredWithUnknownLiquidity() throws {
        let json = #"{"quote":{"protocol":"aave-v3","token":{"symbol":"USDC","decimals":6},"apy":3.1,"observed_at":0},"position":{"base_units":"5","decimals":6}}"#
        let snapshot = try JSONDecoder().decode(MarketSnapshot.self, from: Data(json.utf8))
        XCTAssertTrue(snapshot.apyMeasured)
        XCTAssertNil(snapshot.withdrawableLiquidity)
    }
}
