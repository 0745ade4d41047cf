import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// What is current when a console opens (replayed) is shown like live news but never folded into
/// the books twice; the books fold what the engine logged as it happened, and nothing it could not store.
final class ReplayedStateTests: XCTestCase {
    func opened() -> ConsoleState {
        var state = ConsoleState(now: Fixtures.at(0), size: Size(width: 120, height: 40))
        _ = ConsoleReducer.reduce(&state, .restored(StoredRecords(portfolio: Fixtures.portfolioBook())))
        return state
    }

    func scan(sequence: Int64) -> EngineEvent {
        EngineEvent(sequence: sequence, at: Fixtures.at(30), kind: .marketsScanned(
            cycle: 9, markets: [Fixtures.snapshot(.aaveV3, "4.1", "2600"), Fixtures.snapshot(.moonwell, "6.2", "0")], idle: Fixtures.usdc("1400")))
    }

    func testReplayedStateIsShownButOnlyLoggedLiveEventsReachTheBooks() {
        let books = opened().portfolio
        let position = Int64(1_000_000)  // after every scan the books hold

        var replayed = opened()
        _ = ConsoleReducer.reduce(&replayed, .replayed([scan(sequence: position)]))
        XCTAssertEqual(replayed.marketsAt, Fixtures.at(30), "shown")
        XCTAssertEqual(replayed.portfolio, books, "a replayed reading is already in the restored records: not folded again")

        var live = opened()
        _ = ConsoleReducer.reduce(&live, .engineEvent(scan(sequence: position)))
        XCTAssertEqual(live.marketsAt, Fixtures.at(30))
        XCTAssertEqual(live.portfolio.last?.logPosition, position, "a logged scan closes the books' next interval")
        XCTAssertNotEqual(live.portfolio, books)

        var unstored = opened()
        _ = ConsoleReducer.reduce(&unstored, .engineEvent(scan(sequence: 0)))
        XCTAssertEqual(unstored.marketsAt, Fixtures.at(30), "news the engine could not store is still shown")
        XCTAssertEqual(unstored.portfolio, books, "but it has no place in the log the books follow")
    }

    func testAReplayedApprovalAndExecutionInFlightAreShownAsCurrent() {
        let request = Fixtures.approval(1)
        let rec = Fixtures.recommendation(2)
        var state = opened()
        _ = ConsoleReducer.reduce(&state, .replayed([
            EngineEvent(at: Fixtures.at(5), kind: .approvalRequested(request)),
            EngineEvent(at: Fixtures.at(6), kind: .executionStarted(executionID: Fixtures.id(8), recommendation: rec, steps: ExecutionStep.plan(for: rec))),
        ]))
        XCTAssertEqual(state.opportunities[request.id]?.approval, request)
        XCTAssertEqual(state.execution?.id, Fixtures.id(8))
    }
}
