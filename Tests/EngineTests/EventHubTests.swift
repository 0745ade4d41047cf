@testable import Engine
import Foundation
import MammonCore
import XCTest

/// The hub hands every subscriber every event in order: one by one, or as the commits that stored
/// them (what a socket writes at once); a late subscriber starts from the latest status.
final class EventHubTests: XCTestCase {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ sequence: Int64, _ kind: EngineEvent.Kind) -> EngineEvent { EngineEvent(sequence: sequence, at: at, kind: kind) }

    func testBatchesAreTheCommitsAndEventsComeOneByOneInTheSameOrder() async {
        let hub = EventHub()
        let singles = hub.subscribe()
        let batches = hub.subscribeBatches()
        let status = event(1, .status(SchedulerStatus(state: .running)))
        let first = [status, event(2, .notice(source: "t", message: "a"))]
        let second = [event(3, .notice(source: "t", message: "b")), event(4, .notice(source: "t", message: "c"))]
        hub.publish(first)
        hub.publish([])
        hub.publish(second)
        let late = hub.subscribeBatches()
        hub.finish()

        var gotBatches: [[EngineEvent]] = []
        for await b in batches { gotBatches.append(b) }
        XCTAssertEqual(gotBatches, [first, second], "one batch per commit, none for an empty publish")
        var gotSingles: [EngineEvent] = []
        for await e in singles { gotSingles.append(e) }
        XCTAssertEqual(gotSingles, first + second)
        var gotLate: [[EngineEvent]] = []
        for await b in late { gotLate.append(b) }
        XCTAssertEqual(gotLate, [[status]], "a late subscriber starts from the latest status, alone")
    }
}
