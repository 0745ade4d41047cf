import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// The market guards as the console shows them: an exit says so in the table and the dialog, the
/// waived profit gates read as waived, the target's spot and window rates are both shown, and a
/// proposal held by a guard names it as its failing gate.
final class GuardDetailsTests: XCTestCase {
    func exitAnalysis() -> (RebalanceRecommendation, ProfitabilityAnalysis) {
        let exit = ExitReason.supplyDrop(.moonwell, peak: Fixtures.usdc("150000000"), peakAt: Fixtures.at(0),
                                         now: Fixtures.usdc("60000000"), dropPct: 60)
        var rec = Fixtures.recommendation(7, from: .moonwell, to: .morphoVault, current: Decimal(string: "4.9")!, expected: Decimal(string: "4.4")!)
        rec.exit = exit
        let checks = GuardChecks(targetRate: RateCheck(spotAPY: Decimal(string: "4.5")!, windowAPY: Decimal(string: "4.4")!, windowHours: 24,
                                                       coveredHours: 20, neededHours: 12, hasEnoughHistory: true, judgedAPY: Decimal(string: "4.4")!),
                                 size: SizeCheck(supplyAfter: Fixtures.usdc("250001000"), positionAfter: Fixtures.usdc("1000"), minMultiple: 10, maxSharePct: 15),
                                 patience: PatienceCheck(marketID: .moonwell, lastMoveAt: Fixtures.at(0), now: Fixtures.at(3600), minimumHours: 6), exit: exit)
        let analysis = ProfitabilityGate.analyze(currentAPY: rec.currentAPY, targetAPY: rec.expectedAPY, amountUSD: 1000, plan: Fixtures.plan(),
                                                 thresholds: GateThresholds(), guards: checks)
        return (rec, analysis)
    }

    func testAnExitIsMarkedAndItsWaivedGatesReadAsWaived() throws {
        let (rec, analysis) = exitAnalysis()
        XCTAssertTrue(analysis.profitable)
        let row = OpportunityRow(recommendation: rec, analysis: analysis, foundAt: Fixtures.at(3600))
        XCTAssertEqual(row.display.route, "exit Moonwell → Morpho")
        let lines = DetailsBuilder.approvalLines(row, now: Fixtures.at(3600)).map(\.text)
        XCTAssertTrue(lines.contains("EXIT for safety, not profit: Moonwell's supply fell 60.0% within 24 h (from 150000000 to 60000000)"), "\(lines)")
        XCTAssertTrue(lines.contains("  target rate: spot 4.50%, 24 h average 4.40% over 20 h, 4.4000% after our deposit"), "\(lines)")
        XCTAssertTrue(lines.contains("  – apy_improvement: No APY improvement (current: 4.90%, target: 4.40%) (waived: exit)"), "\(lines)")
        XCTAssertTrue(lines.contains("  – patience: Moonwell last moved 1 h ago < minimum 6 h (waived: exit)"), "\(lines)")
        XCTAssertTrue(lines.contains("  ✓ market_share: Our share after the move 0.00% ≤ maximum 15.00%"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("  ✓ exit: Exit for safety, not profit") }, "\(lines)")
    }

    func testAProposalHeldByAGuardNamesIt() {
        var analysis = Fixtures.analysis()
        analysis.gates.append(GateVerdict(name: "patience", passed: false, reason: "Aave V3 last moved 2 h ago < minimum 6 h"))
        var state = ConsoleState(now: Fixtures.at(100), size: Size(width: 80, height: 24))
        let rec = Fixtures.recommendation(3)
        _ = ConsoleReducer.reduce(&state, Fixtures.event(60, .opportunityFound(rec)))
        _ = ConsoleReducer.reduce(&state, Fixtures.event(61, .gateVerdict(recommendationID: rec.id, analysis: analysis)))
        XCTAssertEqual(state.opportunities[rec.id]?.verdict, .rejected(gate: "patience", reason: "Aave V3 last moved 2 h ago < minimum 6 h"))
    }
}
