import Engine
import Foundation
import MammonCore
import Service
import Store
import TestSupport
import XCTest

/// The socket is self-sufficient: a client catches up through it alone (the history in bounded pages,
/// the records, what is current), and nothing it is told names the engine's database.
final class CatchUpTests: XCTestCase {
    var fixture = ServiceFixture()
    override func tearDown() { fixture.cleanUp() }

    func testTheHelloNamesNoPathAndTheHistoryComesInBoundedPagesWithoutGapOrDuplicate() async throws {
        let (engine, store, server) = try await fixture.start()
        defer { Task { await server.close() } }
        for i in 0..<450 { await engine.note(source: .service, "note \(i)") }
        let last = try store.lastEventSequence()
        let logged = try store.recentEvents(through: last, limit: 10_000, excluding: [EngineEvent.Kind.statusType])
        XCTAssertEqual(logged.count, 450, "the notes (status snapshots are not history)")

        let raw = try RawClient(fixture.observerPath)
        let hello = try raw.line()
        XCTAssertTrue(hello.contains("\"type\":\"hello\""), hello)
        XCTAssertFalse(hello.contains(fixture.directory), "the hello names no path: \(hello)")
        try raw.send("{\"history\":{\"after\":0,\"through\":\(last),\"limit\":1000},\"request_id\":\"h1\"}")
        let page = try raw.answer("h1")
        XCTAssertEqual(page["type"] as? String, "history")
        XCTAssertEqual((page["events"] as? [Any])?.count, ControlMessage.historyPageLimit, "one page at most")
        XCTAssertEqual(page["complete"] as? Bool, false)

        let observer = try await RecordingClient.connect(fixture.observerPath, name: "late")
        let all = try await observer.client.history(after: 0, through: last, limit: 1000)
        XCTAssertEqual(all, Array(logged.suffix(1000)), "every stored event up to the hello's, once, in order")
        let newest = try await observer.client.history(after: 0, through: last, limit: 300)
        XCTAssertEqual(newest, Array(logged.suffix(300)))
        let after = logged[logged.count - 40].sequence
        let missed = try await observer.client.history(after: after, through: last, limit: 1000)
        XCTAssertEqual(missed, Array(logged.suffix(39)), "a reconnecting console reads only what came after what it saw")
        await observer.client.close()
    }

    func testAnObserverReadsTheRecordsInPagesAndWhatIsCurrentAsTheDatabaseHoldsThem() async throws {
        fixture = ServiceFixture()
        let (engine, store, server) = try await fixture.start(limits: .init(recordsPageBytes: 2048))
        defer { Task { await server.close() } }
        await engine.runOnce()
        let request = try XCTUnwrap(store.pendingApprovals().first)
        let events = engine.subscribe()
        await engine.send(.approve(request.id))
        for await event in events { if case .executionFinished = event.kind { break } }
        XCTAssertEqual(try store.executions(limit: 5).first?.status, .succeeded)
        fixture.clock.advance(by: 3600)
        await engine.runOnce()

        let expected = try ConsoleRecords.read(store, now: fixture.clock.now(), verdicts: true)
        XCTAssertFalse(expected.moves.isEmpty)
        XCTAssertFalse(expected.observations.isEmpty)
        XCTAssertNotNil(expected.verdicts?[request.id], "the move's gate verdict comes with the records")
        let raw = try RawClient(fixture.observerPath)
        _ = try raw.line()
        try raw.send("{\"records\":{\"page\":0},\"request_id\":\"p0\"}")
        let first = try raw.answer("p0")
        let pages = try XCTUnwrap(first["pages"] as? Int)
        XCTAssertGreaterThan(pages, 2, "records larger than a page come in several")
        XCTAssertLessThanOrEqual((first["data"] as? String)?.utf8.count ?? .max, 2048)

        let observer = try await RecordingClient.connect(fixture.observerPath, name: "watcher")
        let records = try await observer.client.records()
        XCTAssertEqual(records, expected, "the pages add up to exactly what the database holds")
        XCTAssertEqual(records.portfolio, expected.portfolio)
        let current = try await observer.client.current()
        XCTAssertEqual(current, try LiveStateReplay.events(from: store))
        XCTAssertTrue(current.contains { if case .approvalRequested = $0.kind { true } else { false } }, "the approval still waiting")
        await observer.client.close()
    }

    func testAMalformedReadIsRefusedByItsRequestIDAndChangesNothing() async throws {
        let (_, _, server) = try await fixture.start()
        defer { Task { await server.close() } }
        let raw = try RawClient(fixture.observerPath)
        _ = try raw.line()
        for (id, read) in [("a", "{\"history\":{\"after\":-1,\"through\":5,\"limit\":9}"), ("b", "{\"history\":{\"after\":9,\"through\":5,\"limit\":9}"),
                           ("c", "{\"history\":{\"after\":0,\"through\":99999999999999999999,\"limit\":9}"), ("d", "{\"records\":{\"page\":-2}")] {
            try raw.send(read + ",\"request_id\":\"\(id)\"}")
            let answer = try raw.answer(id)
            XCTAssertEqual(answer["type"] as? String, "command.response", read)
            XCTAssertEqual(answer["accepted"] as? Bool, false, read)
            XCTAssertTrue((answer["detail"] as? String ?? "").contains("malformed"), "\(answer)")
        }
        // Past the last page: refused, not an empty page.
        try raw.send("{\"records\":{\"page\":99},\"request_id\":\"e\"}")
        XCTAssertEqual(try raw.answer("e")["accepted"] as? Bool, false)
    }
}

/// The wire format by hand (no Mammon client code): lines in, lines out.
final class RawClient {
    let fd: Int32
    private var pending = Data()

    init(_ path: String) throws { fd = try TestSocket.connect(unixPath: path) }
    deinit { close(fd) }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw TestSocket.Failure(description: "write failed") }
    }

    /// The next line (reads time out after 30 s).
    func line() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[pending.index(after: newline)...])
                return line
            }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw TestSocket.Failure(description: "the engine closed the connection") }
            pending.append(contentsOf: buffer[0..<n])
        }
    }

    /// The next line answering `requestID` (live events in between are skipped).
    func answer(_ requestID: String) throws -> [String: Any] {
        while true {
            let object = try JSONSerialization.jsonObject(with: Data(try line().utf8)) as? [String: Any] ?? [:]
            if object["request_id"] as? String == requestID { return object }
        }
    }
}
