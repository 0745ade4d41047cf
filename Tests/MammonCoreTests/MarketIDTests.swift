import Foundation
import MammonCore
import XCTest

final class MarketIDTests: XCTestCase {
    func testTheOriginalNamesStayTheirIdentityAndKnowTheirFamily() throws {
        // Rows stored before markets had families name their market by these: they must still parse.
        XCTAssertEqual(MarketID(rawValue: "aave-v3")?.family, .aaveV3)
        XCTAssertEqual(MarketID(rawValue: "moonwell")?.family, .compoundV2)
        XCTAssertEqual(MarketID(rawValue: "morpho-vault")?.family, .erc4626)
        XCTAssertEqual(MarketID(rawValue: "aerodrome")?.family, .amm)
        XCTAssertEqual(try JSONDecoder().decode([MarketID].self, from: Data(#"["moonwell","erc4626:steakhouse-usdc"]"#.utf8)),
                       [.moonwell, MarketID(rawValue: "erc4626:steakhouse-usdc")!])
    }

    func testAnIdentityIsFamilyColonNameAndNothingElse() {
        XCTAssertEqual(MarketID(family: .erc4626, name: "Steakhouse USDC")?.rawValue, "erc4626:steakhouse-usdc")
        XCTAssertEqual(MarketID(family: .erc4626, name: "Steakhouse USDC")?.displayName, "Steakhouse USDC")
        XCTAssertEqual(MarketID(rawValue: "compound-v3:usdc")?.family, .compoundV3)
        XCTAssertNil(MarketID(rawValue: "erc4626:"), "a name is needed")
        XCTAssertNil(MarketID(rawValue: "euler:usdc"), "an unknown family")
        XCTAssertNil(MarketID(rawValue: "erc4626:Steak House"), "upper case and spaces are not an identity")
        XCTAssertNil(MarketID(rawValue: "compound"), "not an original name")
        XCTAssertThrowsError(try JSONDecoder().decode(MarketID.self, from: Data(#""aave""#.utf8)))
    }

    func testOnlyAnAMMRefusesDepositsAndTheOriginalsKeepTheirOrder() {
        XCTAssertFalse(MarketID.aerodrome.acceptsSingleAssetDeposits)
        XCTAssertTrue(MarketID(rawValue: "compound-v3:usdc")!.acceptsSingleAssetDeposits)
        let comet = MarketID(rawValue: "compound-v3:usdc")!, fluid = MarketID(rawValue: "erc4626:fluid-usdc")!
        XCTAssertEqual([fluid, .aerodrome, comet, .moonwell, .aaveV3].sorted(), [.aaveV3, .moonwell, .aerodrome, comet, fluid])
        XCTAssertEqual(MarketID(name: "Aave V3"), .aaveV3)
        XCTAssertEqual(MarketID(name: "metamorpho"), .morphoVault)
    }

    func testGasFollowsTheFamily() {
        XCTAssertEqual(GasUnits.withdraw(.morphoVault), GasUnits.withdraw(MarketID(rawValue: "erc4626:fluid-usdc")))
        XCTAssertEqual(GasUnits.withdraw(.aaveV3), 150_000)
        XCTAssertEqual(GasUnits.deposit(.moonwell), 115_000)
    }

    func testAMarketsRateAfterOurDepositFallsAsItsCurveSays() {
        // A Comet-like supply curve: 0 + 4 % × u below a 90 % kink. 80 borrowed of 100 supplied:
        // u = 0.8, rate 3.2 %; after 60 more, u = 0.5, rate 2 %: the APY falls by 2/3.2.
        let comet = SupplyRateModel.supplyCurve(KinkedRateCurve(base: 0, slopeLow: Decimal(string: "0.04")!, slopeHigh: 1, kink: Decimal(string: "0.9")!),
                                                borrows: 80)
        XCTAssertEqual(comet.apy(Decimal(string: "3.2")!, supply: 100, afterDeposit: 60), 2)
        // A vault: the same interest over 1.25× the supply, squared: 5 % → 3.2 %.
        XCTAssertEqual(SupplyRateModel.dilution.apy(5, supply: 100, afterDeposit: 25), Decimal(string: "3.2")!)
        XCTAssertEqual(SupplyRateModel.dilution.apy(5, supply: 100, afterDeposit: 0), 5)
    }

    func testARateModelIsStoredInPlainNamedFieldsAndReadBack() throws {
        let models: [SupplyRateModel] = [
            .borrowCurve(KinkedRateCurve(base: 0, slopeLow: Decimal(string: "0.04")!, slopeHigh: Decimal(string: "0.6")!, kink: Decimal(string: "0.9")!),
                         borrows: 312_000_000, reserveFactor: Decimal(string: "0.1")!),
            .supplyCurve(KinkedRateCurve(base: Decimal(string: "0.02")!, slopeLow: Decimal(string: "0.04")!, slopeHigh: 1, kink: Decimal(string: "0.9")!),
                         borrows: 80),
            .dilution,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(models), as: UTF8.self)
        XCTAssertEqual(text, #"[{"borrows":312000000,"curve":{"base":0,"kink":0.9,"slope_high":0.6,"slope_low":0.04},"kind":"borrow_curve","reserve_factor":0.1},"#
                       + #"{"borrows":80,"curve":{"base":0.02,"kink":0.9,"slope_high":1,"slope_low":0.04},"kind":"supply_curve"},{"kind":"dilution"}]"#)
        XCTAssertEqual(try JSONDecoder().decode([SupplyRateModel].self, from: Data(text.utf8)), models)
        XCTAssertThrowsError(try JSONDecoder().decode(SupplyRateModel.self, from: Data(#"{"kind":"jump"}"#.utf8)))
    }
}
