import Chain
import Engine
import Foundation
import MammonCore
import Synchronization
import XCTest

/// The heartbeat a supervisor's watchdog listens to: it comes from the scheduler's wait, so a cycle
/// that hangs silences it.
final class HeartbeatTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testTheWaitBeatsOnEverySliceAndAHungCycleNever() async throws {
        let gate = Gate()
        let (engine, _, _) = try await fixture.open { GatedChain(inner: $0, gate: gate) }
        let beats = BeatCounter()
        await engine.setHeartbeat(every: 600) { beats.beat() }
        await engine.start()
        await fixture.clock.waitForSleepers(1)
        let start = EngineFixture.start
        XCTAssertEqual(beats.count, 1, "the wait beats as it begins")
        XCTAssertEqual(fixture.clock.sleepingUntil, [start.addingTimeInterval(600)], "a slice lasts one interval")
        for slice in 1..<24 {
            fixture.clock.advance(by: 600)
            await fixture.clock.waitForSleepers(1)
            XCTAssertEqual(beats.count, 1 + slice)
        }
        XCTAssertEqual(fixture.clock.sleepingUntil, [start.addingTimeInterval(4 * 3600)], "the last slice ends at the scan")
        var status = await engine.status()
        XCTAssertEqual(status.scans, 1)

        // The scan is due: the wait beats once more, then the cycle hangs in its market scan.
        gate.close()
        fixture.clock.advance(by: 600)
        await gate.waitUntilHolding()
        XCTAssertEqual(beats.count, 25)
        for _ in 0..<6 {
            fixture.clock.advance(by: 600)
            await engine.beatIfIdle()
        }
        XCTAssertEqual(beats.count, 25, "no beat while the cycle hangs, however long")
        XCTAssertTrue(fixture.clock.sleepingUntil.isEmpty)

        gate.open()
        await fixture.clock.waitForSleepers(1)
        XCTAssertEqual(beats.count, 26, "the next wait beats again")
        status = await engine.status()
        XCTAssertEqual(status.scans, 2)
        XCTAssertEqual(fixture.clock.sleepingUntil, [start.addingTimeInterval(4 * 3600 + 3600 + 600)])

        await engine.stop(reason: "test")   // no clock movement: the slice is cancelled
        XCTAssertTrue(fixture.clock.sleepingUntil.isEmpty)
        XCTAssertEqual(beats.count, 26)
    }

    /// Inside a cycle the chain's bounded waits (fee and receipt polls) beat through `Liveness`,
    /// attached before or after the heartbeat is set.
    func testTheChainsWaitsReachTheHeartbeatWhicheverIsSetFirst() async throws {
        let (engine, _, _) = try await fixture.open()
        let early = Liveness()
        early.beat()  // nothing connected yet: nothing to reach
        await engine.attachWaits(early)
        let beats = BeatCounter()
        await engine.setHeartbeat(every: 600) { beats.beat() }
        early.beat()
        XCTAssertEqual(beats.count, 1)
        let late = Liveness()
        await engine.attachWaits(late)
        late.beat()
        late.beat()
        XCTAssertEqual(beats.count, 3)
    }

    func testWithoutAHeartbeatTheWaitIsOneSleep() async throws {
        let (engine, _, _) = try await fixture.open()
        await engine.start()
        await fixture.clock.waitForSleepers(1)
        XCTAssertEqual(fixture.clock.sleepingUntil, [EngineFixture.start.addingTimeInterval(4 * 3600)])
        await engine.stop(reason: "test")
    }

    func testIdleBeatsOnlyWhenNothingRuns() async throws {
        let gate = Gate()
        let (engine, _, _) = try await fixture.open { GatedChain(inner: $0, gate: gate) }
        let beats = BeatCounter()
        await engine.setHeartbeat(every: 60) { beats.beat() }
        await engine.beatIfIdle()
        XCTAssertEqual(beats.count, 1, "stopped, nothing in flight")

        gate.close()
        let cycle = Task { await engine.runOnce() }
        await gate.waitUntilHolding()
        await engine.beatIfIdle()
        XCTAssertEqual(beats.count, 1, "a cycle in flight with the scheduler stopped: no beat")
        gate.open()
        _ = await cycle.value
        await engine.beatIfIdle()
        XCTAssertEqual(beats.count, 2)

        await engine.start()
        await fixture.clock.waitForSleepers(1)
        let running = beats.count
        XCTAssertEqual(running, 3, "the wait's first beat")
        await engine.beatIfIdle()
        XCTAssertEqual(beats.count, running, "running: only the wait beats")

        await engine.send(.emergencyStop)
        let state = await engine.status().state
        XCTAssertEqual(state, .halted)
        await engine.beatIfIdle()
        XCTAssertEqual(beats.count, running + 1, "halted: beats, or a watchdog would restart a halted engine again and again")
    }
}

final class BeatCounter: Sendable {
    private let beats = Mutex(0)
    func beat() { beats.withLock { $0 += 1 } }
    var count: Int { beats.withLock { $0 } }
}

/// Holds callers of `pass()` while closed.
final class Gate: Sendable {
    private struct State {
        var closed = false
        var held: [CheckedContinuation<Void, Never>] = []
        var watchers: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func close() { state.withLock { $0.closed = true } }

    func open() {
        let held = state.withLock { s in
            s.closed = false
            defer { s.held = [] }
            return s.held
        }
        for c in held { c.resume() }
    }

    func pass() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let (go, watchers) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                guard s.closed else { return (true, []) }
                s.held.append(c)
                defer { s.watchers = [] }
                return (false, s.watchers)
            }
            if go { c.resume() }
            for w in watchers { w.resume() }
        }
    }

    /// Returns once a caller is held.
    func waitUntilHolding() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if !s.held.isEmpty { return true }
                s.watchers.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}

/// The simulated chain behind a gate: market scans wait while it is closed, as a hung RPC would.
struct GatedChain: ForwardingChain {
    let inner: SimulatedChain
    let gate: Gate

    func scanMarkets(token: Token) async throws -> [MarketSnapshot] {
        await gate.pass()
        return try await inner.scanMarkets(token: token)
    }
}
