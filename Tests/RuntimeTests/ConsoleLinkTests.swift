import Chain
import Console
import ConsoleRuntime
import Engine
import Foundation
import MammonCore
import Service
import Store
import Synchronization
import XCTest

/// One seam for both links: a console in the engine's process (reading the database) and one attached
/// through the observer socket (reading nothing but the socket) open on the same engine with the same
/// picture, and both take the same live events.
final class ConsoleLinkTests: XCTestCase {
    let directory = NSTemporaryDirectory() + "mammon-links-\(UUID().uuidString.prefix(8))"
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testTheInProcessAndTheAttachedConsoleOpenOnTheSamePictureAndFollowTheSameEvents() async throws {
        let store = try AppDatabase.open(path: directory + "/e.sqlite")
        let chain = try SimulatedChain.open(seed: 42, clock: clock, persisted: try store.simulatedLedger())
        // Moving at the first scan (no rate history, no patience): these tests are about the links.
        var config = MammonConfig()
        config.guards.apyWindowHours = 0
        config.guards.minHoursBetweenMoves = 0
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .manual)
        await engine.open()
        // Before either console: a cycle, one approved move run to its end, another cycle (approvals waiting).
        await engine.runOnce()
        let first = try XCTUnwrap(store.pendingApprovals().first)
        let finished = engine.subscribe()
        await engine.send(.approve(first.id))
        for await event in finished { if case .executionFinished = event.kind { break } }
        clock.advance(by: 3600)
        await engine.runOnce()
        XCTAssertFalse(try store.pendingApprovals().isEmpty)

        let server = try await ControlServer.start(engine: engine, store: store, controlPath: directory + "/c.sock",
                                                   observerPath: directory + "/o.sock", info: .init(network: "simulated", since: clock.now()))
        let attachedInbox = ActionInbox(), inProcessInbox = ActionInbox()
        let attached = AttachedLink(socketPath: directory + "/o.sock", readOnly: true, retryDelay: .milliseconds(20))
        try await attached.start(into: attachedInbox)
        var attachedState = try await Self.fold(attachedInbox) { if case .linkChanged(.attached) = $0 { true } else { false } }
        let inProcess = InProcessLink(engine: engine, store: store, startScheduler: false)
        try await inProcess.start(into: inProcessInbox)
        // In process the moves' verdicts follow the first frame; attached they come with the records.
        var inProcessState = try await Self.fold(inProcessInbox) { if case .verdictsRestored = $0 { true } else { false } }

        XCTAssertEqual(attachedState.recentExecutions, inProcessState.recentExecutions)
        XCTAssertEqual(attachedState.recentExecutions.first?.status, .succeeded)
        XCTAssertEqual(attachedState.errors, inProcessState.errors)
        XCTAssertEqual(attachedState.portfolio, inProcessState.portfolio, "the same books, verdicts included")
        XCTAssertFalse(attachedState.portfolio.moves.isEmpty)
        XCTAssertNotNil(attachedState.portfolio.moves.last?.analysis)
        XCTAssertEqual(Set(attachedState.opportunities.keys), Set(inProcessState.opportunities.keys))
        XCTAssertEqual(attachedState.opportunities.values.filter { $0.approval != nil }.count, try store.pendingApprovals().count)
        XCTAssertEqual(attachedState.marketsAt, inProcessState.marketsAt, "the last reading of the markets")
        XCTAssertEqual(Self.historyLines(attachedState), Self.historyLines(inProcessState), "the same event log up to the seam")

        // Live: the same events reach both, once.
        await engine.note(source: .service, "after the seam")
        attachedState = try await Self.fold(attachedInbox, into: attachedState) { Self.isNote($0, "after the seam") }
        inProcessState = try await Self.fold(inProcessInbox, into: inProcessState) { Self.isNote($0, "after the seam") }
        XCTAssertEqual(attachedState.log.filter { $0.text.contains("after the seam") }.count, 1)
        XCTAssertEqual(inProcessState.log.filter { $0.text.contains("after the seam") }.count, 1)

        await attached.finish()
        await inProcess.finish()
        await server.close()
    }

    func testAnAttachedConsoleThatLostItsEngineCatchesUpWhatItMissedOnceThroughTheSocket() async throws {
        let store = try AppDatabase.open(path: directory + "/e.sqlite")
        let chain = try SimulatedChain.open(seed: 42, clock: clock, persisted: try store.simulatedLedger())
        let engine = try Engine(config: MammonConfig(), chain: chain, store: store, clock: clock, approvalMode: .manual)
        await engine.open()
        await engine.note(source: .service, "before the console")
        func serve() async throws -> ControlServer {
            try await ControlServer.start(engine: engine, store: store, controlPath: directory + "/c.sock", observerPath: directory + "/o.sock",
                                          info: .init(network: "simulated", since: clock.now()))
        }
        var server = try await serve()
        let inbox = ActionInbox()
        let link = AttachedLink(socketPath: directory + "/o.sock", readOnly: true, retryDelay: .milliseconds(20))
        try await link.start(into: inbox)
        var state = try await Self.fold(inbox) { if case .linkChanged(.attached) = $0 { true } else { false } }
        await engine.note(source: .service, "seen live")
        state = try await Self.fold(inbox, into: state) { Self.isNote($0, "seen live") }

        await server.close()
        state = try await Self.fold(inbox, into: state) { if case .linkChanged(.offline) = $0 { true } else { false } }
        await engine.note(source: .service, "while the console was away")
        server = try await serve()
        state = try await Self.fold(inbox, into: state) { if case .linkChanged(.attached) = $0 { true } else { false } }
        await engine.note(source: .service, "after it came back")
        state = try await Self.fold(inbox, into: state) { Self.isNote($0, "after it came back") }

        for note in ["before the console", "seen live", "while the console was away", "after it came back"] {
            XCTAssertEqual(state.log.filter { $0.text.contains(note) }.count, 1, "\(note): once, no gap and no duplicate")
        }
        await link.finish()
        await server.close()
    }

    func testTheSeamShowsWhatTheHistoryCannotHold() {
        var seam = LiveSeam(through: 10)
        let status = EngineEvent(sequence: 5, at: clock.now(), kind: .status(SchedulerStatus()))
        XCTAssertTrue(seam.admits(status), "a status is state: always the newest")
        XCTAssertFalse(seam.admits(EngineEvent(sequence: 10, at: clock.now(), kind: .scanStarted(cycle: 1))), "in the history already")
        XCTAssertTrue(seam.admits(EngineEvent(sequence: 11, at: clock.now(), kind: .scanStarted(cycle: 1))))
        XCTAssertTrue(seam.admits(EngineEvent(at: clock.now(), kind: .error(source: "store", message: "database write failed"))),
                      "never stored, so in no history: shown by every link")
        seam.passed(EngineEvent(sequence: 12, at: clock.now(), kind: .scanStarted(cycle: 2)))
        XCTAssertEqual(seam.through, 12, "a reconnect reads on from the last event shown")
        XCTAssertFalse(seam.admits(EngineEvent(sequence: 12, at: clock.now(), kind: .scanStarted(cycle: 2))))
    }

    func testTheRecordsTheSocketServesAreSizedAsTheConsoleKeepsThem() {
        XCTAssertEqual(ConsoleRecords.maxErrors, ConsoleState.maxErrors)
        XCTAssertEqual(ConsoleRecords.maxRecentExecutions, ConsoleState.maxRecentExecutions)
    }

    static func isNote(_ action: ConsoleAction, _ text: String) -> Bool {
        if case .engineEvent(let e) = action, case .notice(_, let message, _) = e.kind { message == text } else { false }
    }

    /// The log's lines from the history and the replay (the links' own notes about themselves left out).
    static func historyLines(_ state: ConsoleState) -> [String] {
        state.log.filter { $0.type != "console" && $0.type != "scheduler.status" }.map { "\($0.at) \($0.type) \($0.text)" }
    }

    /// Folds the inbox's actions into a state until one satisfies `until` and nothing else waits
    /// (woken by the inbox; a broken run fails after 30 s rather than hanging).
    static func fold(_ inbox: ActionInbox, into initial: ConsoleState? = nil, until: @escaping @Sendable (ConsoleAction) -> Bool) async throws -> ConsoleState {
        var state = initial ?? ConsoleState(now: Date(), size: .init(width: 160, height: 50))
        let pushed = Signal()
        inbox.connect { pushed.signal() }
        defer { inbox.connect(nil) }
        let deadline = Date().addingTimeInterval(30)
        var seen = false
        var signals = 0
        while true {
            for action in inbox.drain() {
                _ = ConsoleReducer.reduce(&state, action)
                if until(action) { seen = true }
            }
            if seen && inbox.pending == 0 { return state }
            guard Date() < deadline else {
                XCTFail("no action satisfied the wait within 30 s")
                return state
            }
            signals = await pushed.wait(after: signals, until: min(deadline, Date().addingTimeInterval(0.5)))
        }
    }
}

/// Counts the inbox's wake-ups; a wait returns at the next one (or its deadline), off the cooperative pool.
final class Signal: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0

    func signal() {
        condition.lock()
        count += 1
        condition.broadcast()
        condition.unlock()
    }

    func wait(after seen: Int, until deadline: Date) async -> Int {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                self.condition.lock()
                while self.count == seen, Date() < deadline { _ = self.condition.wait(until: deadline) }
                let now = self.count
                self.condition.unlock()
                done.resume(returning: now)
            }
        }
    }
}
