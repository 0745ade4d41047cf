import Foundation
import MammonCore
import XCTest

/// The mapping from events to alerts, for the events the engine emits (the engine tests produce
/// them for real; these pin the edges).
final class AlertRulesTests: XCTestCase {
    func alerts(_ kind: EngineEvent.Kind) -> [Alert] { AlertRules.alerts(for: EngineEvent(at: Date(timeIntervalSince1970: 0), kind: kind)) }

    func testQuietEventsRaiseNothing() {
        XCTAssertEqual(alerts(.scanStarted(cycle: 1)), [])
        XCTAssertEqual(alerts(.schedulerStarted), [])
        XCTAssertEqual(alerts(.notice(source: "market", message: "Moonwell left out: shallow")), [])
        XCTAssertEqual(alerts(.error(source: "approval", message: "no pending approval 1234")), [])
        XCTAssertEqual(alerts(.approvalResolved(recommendationID: UUID(), outcome: .declined, detail: "declined by operator")), [])
    }

    func testHaltsAreFailures() {
        XCTAssertEqual(alerts(.schedulerHalted(reason: "emergency stop by operator")).map(\.title), ["Emergency stop"])
        XCTAssertEqual(alerts(.schedulerHalted(reason: "circuit breaker: 3 consecutive failures")).map(\.severity), [.failure])
    }

    func testStuckCancellationAndMarketBounds() {
        let cancelled = alerts(.error(source: "executor", message: "deposit: 0xab not mined within 180 s; cancelled by a zero-value self-transfer 0xcd at nonce 4 with higher fees"))
        XCTAssertEqual(cancelled.map(\.title), ["Stuck transaction cancelled"])
        XCTAssertEqual(alerts(.error(source: "market", message: "Moonwell APY 80% is above MAX_APY_PCT 50%")).map(\.severity), [.failure])
    }

    /// A fenced treasury's halt and its operator's gas are told as what they are.
    func testTheFencedTreasurysHaltAndLowGasAreTold() {
        let halt = alerts(.schedulerHalted(reason: TreasuryFenceStatus.haltPrefix + ": role allows USDC transfer(address,uint256)"))
        XCTAssertEqual(halt.map(\.title), ["Fenced treasury: role broader than its plan"])
        XCTAssertEqual(halt.map(\.severity), [.failure])
        let gas = alerts(.error(.treasury, "the operator 0xab has gas ETH for about 3.2 days at the recent spend: top it up"))
        XCTAssertEqual(gas.map(\.title), ["Fenced treasury"])
        XCTAssertEqual(gas.map(\.severity), [.warning])
    }

    func testSeveritiesAreOrdered() {
        XCTAssertTrue(AlertSeverity.info < .warning && AlertSeverity.warning < .failure)
        XCTAssertEqual(AlertSeverity(text: " Failure "), .failure)
        XCTAssertNil(AlertSeverity(text: "success"))
    }
}
