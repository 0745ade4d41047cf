import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// The loop with a scripted terminal and a hand-moved clock: it blocks until the next whole second
/// when idle, turns keys into effects, redraws on resize, and only writes what changed.
final class ConsoleLoopTests: XCTestCase {
    /// A terminal that replays input batches; an empty batch means "nothing happened until the
    /// timeout", so the clock moves by the timeout the loop asked for.
    final class FakeTerminal: TerminalDevice {
        var size: Size
        var script: [[TerminalInput]]
        var now: Date
        var timeouts: [Double] = []
        var frames: [ScreenBuffer] = []
        var cellsWritten: [Int] = []
        private var last: ScreenBuffer?

        init(size: Size, now: Date, script: [[TerminalInput]]) {
            self.size = size
            self.now = now
            self.script = script
        }

        func draw(_ buffer: ScreenBuffer) -> Int {
            let n = buffer.diff(from: last).count
            last = buffer
            frames.append(buffer)
            cellsWritten.append(n)
            return n
        }

        func waitForInput(timeout: Double) -> [TerminalInput] {
            timeouts.append(timeout)
            guard !script.isEmpty else { return [.terminated(signal: SIGTERM)] }
            let batch = script.removeFirst()
            if batch.isEmpty { now = now.addingTimeInterval(timeout) }
            for case .resized(let s) in batch { size = s }
            return batch
        }

        var invalidations = 0
        func invalidate() {
            invalidations += 1
            last = nil
        }

        func restore() {}
    }

    func run(_ terminal: FakeTerminal, inbox: ActionInbox = ActionInbox(), state: ConsoleState? = nil)
        -> (ConsoleLoop.Outcome, ConsoleState, [ConsoleEffect]) {
        var effects: [ConsoleEffect] = []
        var initial = state ?? ConsoleState(now: terminal.now)
        if initial.status == nil { initial.status = Fixtures.status() }
        let loop = ConsoleLoop(terminal: terminal, theme: ThemeLoader.fallback, inbox: inbox, clock: { terminal.now }) {
            effects.append($0)
        }
        let (outcome, final) = loop.run(initial: initial)
        return (outcome, final, effects)
    }

    func testIdleWaitsForWholeSecondsAndEachTickWritesOnlyWhatChanged() {
        let t = FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(0.25), script: [[], [], []])
        let (outcome, state, effects) = run(t)
        XCTAssertEqual(outcome, .terminated(signal: SIGTERM))
        XCTAssertEqual(effects, [])
        XCTAssertEqual(t.timeouts.prefix(3).map { ($0 * 1000).rounded() / 1000 }, [0.75, 1, 1], "blocks until the next second, no polling")
        XCTAssertEqual(t.cellsWritten.first, 80 * 24, "the first frame is whole")
        XCTAssertEqual(t.cellsWritten.count, 4, "one frame per tick")
        for n in t.cellsWritten.dropFirst() {
            XCTAssertGreaterThan(n, 0, "the clock moved")
            XCTAssertLessThan(n, 12, "an idle tick rewrites the clock and countdown only")
        }
        XCTAssertEqual(state.now, Fixtures.at(3))
    }

    func testKeysBecomeEffectsAndQuitEndsTheLoop() {
        let t = FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(0),
                             script: [[.key(.char("r"))], [.key(.char("x"))], [.key(.char("y"))], [.key(.char("q"))], []])
        let (outcome, _, effects) = run(t)
        XCTAssertEqual(outcome, .quit)
        XCTAssertEqual(effects, [.send(.runOnce), .send(.stop)])
        XCTAssertEqual(t.script.count, 1, "nothing is read after quit")
    }

    func testResizeRedrawsAtTheNewSizeAtOnce() {
        let t = FakeTerminal(size: Size(width: 100, height: 30), now: Fixtures.at(0),
                             script: [[.resized(Size(width: 60, height: 20))], [.resized(Size(width: 20, height: 5))]])
        _ = run(t)
        XCTAssertEqual(t.frames[1].size, Size(width: 60, height: 20))
        XCTAssertTrue(t.frames[1].lines[0].contains("1 Scheduler"), "tabs below 80 columns")
        XCTAssertTrue(t.frames[2].lines[0].hasPrefix("terminal too small"))
        XCTAssertEqual(t.timeouts.count, 3, "each resize drew without waiting for a tick")
    }

    func testEngineEventsArriveThroughTheInboxAndAreDrawn() {
        let inbox = ActionInbox()
        let wakes = Counter()
        inbox.push(Fixtures.event(0, .error(source: "chain", message: "rpc timeout")))
        inbox.connect { wakes.add() }
        XCTAssertEqual(wakes.value, 1, "connecting with actions waiting wakes the loop at once")
        inbox.push(.tick(Fixtures.at(0)))
        XCTAssertEqual(wakes.value, 2, "every push wakes the loop")
        let t = FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(0), script: [[.woken]])
        let (_, state, _) = run(t, inbox: inbox)
        XCTAssertEqual(state.errors.first?.message, "rpc timeout")
        XCTAssertTrue(t.frames.first!.text.contains("rpc timeout"), "what waited before the loop started is in its first frame")
        XCTAssertTrue(t.frames.last!.text.contains("rpc timeout"))
        XCTAssertEqual(inbox.drain(), [], "the loop took everything")
    }

    func testTheInboxRefusesPastItsCapacityAndTakesAgainOnceDrained() {
        let inbox = ActionInbox(capacity: 3)
        let accepted = (0..<5).map { inbox.push(.tick(Fixtures.at(TimeInterval($0)))) }
        XCTAssertEqual(accepted, [true, true, true, false, false], "a loop that stops draining cannot make it grow")
        XCTAssertEqual(inbox.pending, 3)
        XCTAssertEqual(inbox.drain().count, 3)
        XCTAssertTrue(inbox.push(.tick(Fixtures.at(9))))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }

    func testCtrlLRedrawsEveryCell() {
        let t = FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(0), script: [[.key(.ctrl("l"))]])
        _ = run(t)
        XCTAssertEqual(t.invalidations, 1)
        XCTAssertEqual(t.cellsWritten, [80 * 24, 80 * 24])
    }

    func testATerminatingSignalEndsTheLoopEvenWithADialogOpen() {
        var state = Fixtures.busyState()
        state.modal = .confirm(.quitDuringExecution, yes: false)
        let t = FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(65), script: [[.terminated(signal: SIGHUP)]])
        let (outcome, _, effects) = run(t, state: state)
        XCTAssertEqual(outcome, .terminated(signal: SIGHUP))
        XCTAssertEqual(effects, [])
    }
}
