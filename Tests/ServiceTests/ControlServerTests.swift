import Engine
import Foundation
import MammonCore
import Service
import Store
import XCTest

/// The engine's sockets with real Unix sockets and a real engine: consoles attach, command, observe.
final class ControlServerTests: XCTestCase {
    var fixture = ServiceFixture()
    override func tearDown() { fixture.cleanUp() }

    func testSocketsAreOwnerOnlyAndTheHelloCarriesTheSeam() async throws {
        let (_, store, server) = try await fixture.start()
        for path in [fixture.controlPath, fixture.observerPath] {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            XCTAssertEqual(mode, 0o600, path)
        }
        let client = try await RecordingClient.connect(fixture.controlPath, name: "test")
        let hello = await client.waitFor { if case .hello = $0 { true } else { false } }
        guard case .hello(let h)? = hello else { return XCTFail("no hello") }
        XCTAssertFalse(h.readOnly)
        XCTAssertEqual(h.lastSequence, try store.lastEventSequence())
        XCTAssertEqual(h.enginePID, getpid())
        await client.client.close()
        await server.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.controlPath), "the socket file is removed on close")
    }

    func testTwoConsolesApproveTheSameProposalOneWinsTheOtherIsToldWho() async throws {
        let (engine, store, server) = try await fixture.start()
        defer { Task { await server.close() } }
        await engine.runOnce()
        let request = try XCTUnwrap(store.pendingApprovals().first { $0.recommendation.from == .aaveV3 })
        let first = try await RecordingClient.connect(fixture.controlPath, name: "alice")
        let second = try await RecordingClient.connect(fixture.controlPath, name: "bob")
        _ = await first.waitFor { if case .hello(let h) = $0 { h.client.hasPrefix("alice") } else { false } }
        _ = await second.waitFor { if case .hello(let h) = $0 { h.client.hasPrefix("bob") } else { false } }

        let won = await first.client.send(.approve(request.id))
        XCTAssertTrue(won.accepted, won.detail)
        let lost = await second.client.send(.approve(request.id))
        XCTAssertFalse(lost.accepted)
        XCTAssertTrue(lost.detail.contains("alice"), "told who did: \(lost.detail)")
        // Every console sees the outcome: bob sees alice's command and the execution that followed.
        let handled = await second.waitFor { if case .event(let e) = $0, case .commandHandled(let c, "approve \(request.id.uuidString.prefix(8))", true, _) = e.kind { c.hasPrefix("alice") } else { false } }
        XCTAssertNotNil(handled)
        let executed = await second.waitFor { if case .event(let e) = $0, case .executionFinished(let s) = e.kind { s.recommendation.id == request.id } else { false } }
        guard case .event(let e)? = executed, case .executionFinished(let summary) = e.kind else { return XCTFail("bob never saw the execution") }
        XCTAssertEqual(summary.status, .succeeded)
        XCTAssertEqual(try store.executions(limit: 10).count, 1, "one execution, not two")
    }

    func testAReadOnlyObserverSeesEverythingAndTheEngineRefusesItsCommands() async throws {
        let (engine, store, server) = try await fixture.start()
        defer { Task { await server.close() } }
        await engine.runOnce()
        let request = try XCTUnwrap(store.pendingApprovals().first)
        let observer = try await RecordingClient.connect(fixture.observerPath, name: "watcher")
        let greeting = await observer.waitFor { if case .hello = $0 { true } else { false } }
        guard case .hello(let h)? = greeting else { return XCTFail("no hello") }
        XCTAssertTrue(h.readOnly)
        for command in [OperatorCommand.approve(request.id), .emergencyStop, .start, .runOnce] {
            let outcome = await observer.client.send(command)
            XCTAssertFalse(outcome.accepted, "\(command)")
            XCTAssertTrue(outcome.detail.contains("read-only"), outcome.detail)
        }
        XCTAssertEqual(try store.pendingApprovals().count, 2, "nothing changed")
        let status = await engine.status()
        XCTAssertNotEqual(status.state, .halted)
        // It still sees what others do.
        let console = try await RecordingClient.connect(fixture.controlPath, name: "ops")
        _ = await console.client.send(.decline(request.id))
        let seen = await observer.waitFor { if case .event(let e) = $0, case .approvalResolved(request.id, .declined, _) = e.kind { true } else { false } }
        XCTAssertNotNil(seen)
    }

    func testAClientThatStopsReadingIsDroppedAndNeverSlowsTheEngine() async throws {
        let (engine, _, server) = try await fixture.start()
        defer { Task { await server.close() } }
        // A raw connection that never reads: the kernel's buffer fills, then the channel's.
        let stalled = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(stalled, 0)
        defer { close(stalled) }
        var small: Int32 = 4096
        setsockopt(stalled, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(fixture.controlPath.utf8)
            raw.copyBytes(from: bytes.prefix(raw.count - 1))
        }
        let connected = withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(stalled, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(connected, 0)
        let watcher = try await RecordingClient.connect(fixture.observerPath, name: "watcher")

        // 3 MB of events: the engine commits and publishes them without waiting for anyone.
        let message = String(repeating: "x", count: 1500)
        let started = Date()
        for i in 0..<2000 { await engine.note(source: .test, "\(i) \(message)") }
        let elapsed = Date().timeIntervalSince(started)
        let dropped = await watcher.waitFor {
            if case .event(let e) = $0, case .notice("service", let m, _) = e.kind { m.contains("fell behind") } else { false }
        }
        XCTAssertNotNil(dropped, "the stalled console was disconnected with a reason")
        // The reading observer got every event.
        let last = await watcher.waitFor { if case .event(let e) = $0, case .notice("test", let m, _) = e.kind { m.hasPrefix("1999 ") } else { false } }
        XCTAssertNotNil(last)
        XCTAssertNil(watcher.closedReason)
        print("2000 events published in \(elapsed) s beside a stalled client")
    }

    /// Consoles disconnecting while the engine publishes: the hub once yielded under its lock while a
    /// cancelled subscriber's termination took it, and the two deadlocked (seen in a terminal test).
    func testConsolesComingAndGoingWhileTheEnginePublishesNeverDeadlock() async throws {
        let (engine, _, server) = try await fixture.start()
        defer { Task { await server.close() } }
        let publisher = Task {
            for i in 0..<400 { await engine.note(source: .test, "event \(i)") }
        }
        for round in 0..<40 {
            let client = try await RecordingClient.connect(round % 2 == 0 ? fixture.controlPath : fixture.observerPath, name: "c\(round)")
            _ = await client.waitFor { if case .event = $0 { true } else { false } }
            await client.client.close()
        }
        await publisher.value
        let last = try await RecordingClient.connect(fixture.observerPath, name: "last")
        _ = await last.waitFor { if case .hello = $0 { true } else { false } }   // subscribed
        await engine.note(source: .test, "after")
        let seen = await last.waitFor { if case .event(let e) = $0, case .notice("test", "after", _) = e.kind { true } else { false } }
        XCTAssertNotNil(seen, "the engine still publishes")
    }
}
