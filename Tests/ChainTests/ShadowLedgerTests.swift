import Chain
import EVM
import MammonCore
import XCTest

/// The shadow ledger's arithmetic is the markets' own: units minted rounding down, burned for an
/// amount rounding up, valued rounding down; and it survives the key-value table whole.
final class ShadowLedgerTests: XCTestCase {
    let ray = UInt256.powerOfTen(27)!

    func testAaveUnitsFollowTheIndexAsTheATokenDoes() throws {
        let index = ShadowMarketIndex.aave(indexRay: try UInt256(decimal: "1030000000000000000000000000"))  // 1.03
        var ledger = ShadowLedger(idle: 1_000_000_000, units: [:])
        ledger.approve(.aaveV3, amount: 1_000_000_000)
        try ledger.deposit(.aaveV3, amount: 1_000_000_000, index: index)
        // 1,000 USDC at 1.03: floor(1e9 × 1e27 / 1.03e27) scaled units, worth 999.999999 (rounded down).
        XCTAssertEqual(ledger.units[.aaveV3], UInt256(970_873_786))
        XCTAssertEqual(index.value(of: ledger.units[.aaveV3]!), 999_999_999)
        XCTAssertEqual(ledger.idle, 0)
        XCTAssertEqual(ledger.allowances[.aaveV3], 0, "the deposit used the allowance up")
        // The index rises 1 %: the position is worth that much more, as the aToken's balanceOf says.
        let later = ShadowMarketIndex.aave(indexRay: try UInt256(decimal: "1040300000000000000000000000"))
        XCTAssertEqual(later.value(of: ledger.units[.aaveV3]!), 1_009_999_999)
        // A partial withdraw burns ceil(amount × ray / index).
        try ledger.withdraw(.aaveV3, amount: 500_000_000, fullExit: false, index: later)
        XCTAssertEqual(ledger.units[.aaveV3], UInt256(970_873_786) - UInt256(480_630_588))
        XCTAssertEqual(ledger.idle, 500_000_000)
        try ledger.withdraw(.aaveV3, amount: 0, fullExit: true, index: later)
        XCTAssertEqual(ledger.units[.aaveV3], .zero)
        XCTAssertEqual(ledger.idle, 500_000_000 + later.value(of: UInt256(970_873_786) - UInt256(480_630_588)))
    }

    func testVaultSharesFollowTheSharePrice() {
        // A MetaMorpho-style vault at par: 10^30 shares are worth 10^18 USDC units (18-decimal shares).
        let par = ShadowMarketIndex.sharePrice(.powerOfTen(18)!)
        XCTAssertEqual(par.unitsMinted(for: 1_000_000), UInt256.powerOfTen(18)!)
        XCTAssertEqual(par.value(of: .powerOfTen(18)!), 1_000_000)
        // A Fluid-style fToken, 6-decimal shares at 1.05: 100 USDC buy floor(100e6 / 1.05) shares, worth 99.999999.
        let fToken = ShadowMarketIndex.sharePrice(try! UInt256(decimal: "1050000000000000000000000000000"))
        XCTAssertEqual(fToken.unitsMinted(for: 100_000_000), UInt256(95_238_095))
        XCTAssertEqual(fToken.value(of: UInt256(95_238_095)), 99_999_999)
        XCTAssertEqual(fToken.unitsBurned(for: 50_000_000), UInt256(47_619_048), "burned rounding up")
    }

    func testCometPrincipalFollowsTheSupplyIndex() throws {
        // Comet's index starts at 1e15; at 1.02 a supply of 1 000 USDC is principal floor(1e9 × 1e15 / 1.02e15).
        let index = ShadowMarketIndex.comet(baseSupplyIndex: UInt256(1_020_000_000_000_000))
        var ledger = ShadowLedger(idle: 1_000_000_000, units: [:])
        let comet = try XCTUnwrap(MarketID(rawValue: "compound-v3:usdc"))
        ledger.approve(comet, amount: 1_000_000_000)
        try ledger.deposit(comet, amount: 1_000_000_000, index: index)
        XCTAssertEqual(ledger.units[comet], UInt256(980_392_156))
        XCTAssertEqual(index.value(of: UInt256(980_392_156)), 999_999_999, "principal × index / 1e15, rounded down as balanceOf")
        let later = ShadowMarketIndex.comet(baseSupplyIndex: UInt256(1_030_200_000_000_000))
        XCTAssertEqual(later.value(of: UInt256(980_392_156)), 1_009_999_999)
    }

    func testRefusalsLeaveTheLedgerAsItWas() throws {
        let index = ShadowMarketIndex.exchangeRate(try UInt256(decimal: "200000000000000"))
        var ledger = ShadowLedger(idle: 100, units: [:])
        XCTAssertThrowsError(try ledger.deposit(.moonwell, amount: 100, index: index)) { error in
            XCTAssertTrue("\(error)".contains("allowance"), "\(error)")
        }
        ledger.approve(.moonwell, amount: 1_000)
        XCTAssertThrowsError(try ledger.deposit(.moonwell, amount: 1_000, index: index))
        XCTAssertThrowsError(try ledger.withdraw(.moonwell, amount: 1, fullExit: false, index: index))
        XCTAssertEqual(ledger.idle, 100)
        XCTAssertEqual(ledger.units[.moonwell] ?? .zero, .zero)
    }

    func testTheLedgerSurvivesItsTableWholeAndOnlyChangesAreWritten() throws {
        var ledger = ShadowLedger(idle: 42, units: [.aaveV3: UInt256(7), .moonwell: try UInt256(decimal: "340282366920938463463374607431768211455")],
                                  allowances: [.morphoVault: 9], nextNonce: 3)
        ledger.receipts["shadow:0xab"] = TransactionReceipt(hash: "shadow:0xab", succeeded: true, blockNumber: 5, gasUsed: 21_000,
                                                             effectiveGasPriceWei: 7, note: "shadow, not sent: verified")
        let restored = try XCTUnwrap(try ShadowLedger(persisted: ledger.persisted))
        XCTAssertEqual(restored, ledger)
        var next = ledger
        next.idle = 41
        XCTAssertEqual(next.persistedChanges(from: ledger), ["shadow.idle": "41"])
        XCTAssertNil(try ShadowLedger(persisted: [:]), "a new database holds no ledger")
        XCTAssertThrowsError(try ShadowLedger(persisted: ["shadow.idle": "forty"])) { error in
            XCTAssertTrue("\(error)".contains("damaged"), "\(error)")
        }
    }
}
