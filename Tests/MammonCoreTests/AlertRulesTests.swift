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
        XCTAssertEqual(alerts(.schedulerHalted(reason: "emergency stop by operator", emergency: true)).map(\.title), ["Emergency stop"])
        XCTAssertEqual(alerts(.schedulerHalted(reason: "circuit breaker: 3 consecutive failures")).map(\.severity), [.failure])
    }

    func testStuckCancellationAndMarketBounds() {
        let cancelled = alerts(.error(source: "executor", message: "deposit: 0xab not mined within 180 s; cancelled by a zero-value self-transfer 0xcd at nonce 4 with higher fees",
                                      code: .transactionCancelled))
        XCTAssertEqual(cancelled.map(\.title), ["Stuck transaction cancelled"])
        XCTAssertEqual(alerts(.error(source: "market", message: "Moonwell APY 80% is above MAX_APY_PCT 50%")).map(\.severity), [.failure])
    }

    /// A fenced treasury's broader role and its operator's low gas are told as what they are, by code.
    func testTheFencedTreasurysBroaderRoleAndLowGasAreTold() {
        let broader = alerts(.error(source: "treasury", message: "role allows USDC transfer(address,uint256)", code: .fenceBroaderThanPlan))
        XCTAssertEqual(broader.map(\.title), ["Fenced treasury: role broader than its plan"])
        XCTAssertEqual(broader.map(\.severity), [.failure])
        let gas = alerts(.error(source: "treasury", message: "the operator 0xab has gas ETH for about 3.2 days", code: .operatorGasLow))
        XCTAssertEqual(gas.map(\.title), ["Fenced treasury: operator gas low"])
        XCTAssertEqual(gas.map(\.severity), [.warning])
        XCTAssertEqual(alerts(.error(source: "treasury", message: "top it up: operator gas low")), [], "words alone route nowhere")
    }

    /// Routing reads codes, not words: every message reworded (or quoting a node that writes the
    /// old phrases) routes exactly as before.
    func testRewordedMessagesRouteTheSameAndNodeTextRoutesNowhere() {
        let reworded: [(EngineEvent.Kind, [String])] = [
            (.error(source: "scan", message: "the oracle is old", code: .priceFeedUnusable), ["Price feed unusable"]),
            (.error(source: "recovery", message: "nobody home", code: .rpcUnreachable), ["RPC endpoints failing"]),
            (.error(source: "executor", message: "bumped", code: .transactionReplaced), ["Stuck transaction replaced"]),
            (.error(source: "executor", message: "zeroed", code: .transactionCancelled), ["Stuck transaction cancelled"]),
            (.schedulerHalted(reason: "operator pressed the red button", emergency: true), ["Emergency stop"]),
            (.schedulerHalted(reason: "emergency stop (says the node)"), ["Circuit breaker tripped"]),
            (.notice(source: "lifecycle", message: "up", code: .engineStarted), ["Engine started"]),
            (.notice(source: "lifecycle", message: "down", code: .engineStopped), ["Engine stopped"]),
            (.notice(source: "lifecycle", message: "again", code: .engineRestartedAfterCrash), ["Engine restarted after a crash"]),
        ]
        for (kind, titles) in reworded { XCTAssertEqual(alerts(kind).map(\.title), titles, "\(kind)") }
        // A node's revert text carrying the phrases the rules once searched for raises nothing.
        let parrot = "ETH/USD feed stale; no healthy RPC endpoint; : no answer from x; the chain cannot be reached; not mined within 1 s; cancelled by"
        XCTAssertEqual(alerts(.error(source: "executor", message: parrot)), [])
        XCTAssertEqual(alerts(.error(source: "scan", message: parrot)), [])
        XCTAssertEqual(alerts(.notice(source: "lifecycle", message: "engine started on base")), [], "a lifecycle notice without its code")
    }

    func testTheCodeIsStoredWithTheEvent() throws {
        let event = EngineEvent(at: Date(timeIntervalSince1970: 0), kind: .error(source: "scan", message: "m", code: .priceFeedUnusable))
        let decoded = try JSONDecoder().decode(EngineEvent.self, from: JSONEncoder().encode(event))
        XCTAssertEqual(decoded.kind, event.kind)
        let halted = EngineEvent(at: Date(timeIntervalSince1970: 0), kind: .schedulerHalted(reason: "r", emergency: true))
        XCTAssertEqual(try JSONDecoder().decode(EngineEvent.self, from: JSONEncoder().encode(halted)).kind, halted.kind)
    }

    func testSeveritiesAreOrdered() {
        XCTAssertTrue(AlertSeverity.info < .warning && AlertSeverity.warning < .failure)
        XCTAssertEqual(AlertSeverity(text: " Failure "), .failure)
        XCTAssertNil(AlertSeverity(text: "success"))
    }
}
