import Chain
@testable import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// `mammon emergency-stop` is the engine's own emergency stop, run on a database no engine runs on.
final class EmergencyStopTests: XCTestCase {
    var fixture = EngineFixture(approvalMode: .manual)
    override func tearDown() { fixture.cleanUp() }

    func testTheOfflineLatchCancelsWhatWaitsAndHaltsTheNextStartLikeTheEnginesOwn() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let waiting = try store.pendingApprovals()
        XCTAssertEqual(waiting.count, 2, "manual mode queued the proposals")
        await engine.shutdown()

        let at = fixture.clock.now()
        try Engine.latchEmergencyStop(in: store, reason: "emergency stop from the command line", at: at)
        XCTAssertTrue(try store.pendingApprovals().isEmpty)
        let cancelled = try store.approvals(limit: 10).filter { $0.request.outcome == .cancelled }
        XCTAssertEqual(Set(cancelled.map(\.request.id)), Set(waiting.map(\.id)))
        XCTAssertTrue(cancelled.allSatisfy { $0.detail == "cancelled by emergency stop" && $0.resolvedAt == at })
        let state = try XCTUnwrap(store.schedulerState())
        XCTAssertEqual(state.schedulerState, .halted)
        XCTAssertTrue(state.emergencyStop)
        XCTAssertNil(state.nextScanAt)
        let events = try store.recentEvents(limit: 3, excluding: [EngineEvent.Kind.statusType]).map(\.kind)
        XCTAssertEqual(events.last, .schedulerHalted(reason: "emergency stop from the command line", emergency: true), "one commit: the approvals, then the halt")

        let (again, _, _) = try await fixture.open()
        let status = await again.status()
        XCTAssertEqual(status.state, .halted)
        XCTAssertEqual(status.haltReason, "emergency stop from the command line")
        await again.start()
        let refused = await again.status()
        XCTAssertEqual(refused.state, .halted, "nothing runs until the operator resumes")
    }

    func testTheRunningEnginesStopIsTheSameChange() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var state = PersistedSchedulerState(state: .running, nextScanAt: now.addingTimeInterval(60), scans: 4, updatedAt: now)
        state.ownerPid = 42
        let stop = Engine.emergencyStop(of: state, cancelling: [], reason: "emergency stop by operator", at: now)
        XCTAssertEqual(stop.state.schedulerState, .halted)
        XCTAssertEqual(stop.state.scans, 4, "counters are kept")
        XCTAssertEqual(stop.state.ownerPid, 42)
        XCTAssertNil(stop.state.nextScanAt)
        XCTAssertEqual(stop.kinds, [.schedulerHalted(reason: "emergency stop by operator", emergency: true)])
    }
}
