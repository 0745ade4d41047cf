import Foundation
import TerminalKit

/// The console's loop on its own thread: wait for input or a wake-up (never busy), fold everything
/// that happened into the state, perform the effects, draw the difference.
public struct ConsoleLoop {
    public enum Outcome: Equatable, Sendable {
        case quit
        case terminated(signal: Int32)
    }

    public var terminal: any TerminalDevice
    public var theme: Theme
    public var inbox: ActionInbox
    public var perform: (ConsoleEffect) -> Void
    public var clock: () -> Date
    /// Called after each frame with the number of cells written (benchmarks count them).
    public var onFrame: (Int) -> Void = { _ in }
    /// The dashboard's panes (tests run the loop with panes of their own).
    var panes = PaneRegistry.standard

    public init(terminal: any TerminalDevice, theme: Theme, inbox: ActionInbox, clock: @escaping () -> Date = Date.init,
                perform: @escaping (ConsoleEffect) -> Void) {
        self.terminal = terminal
        self.theme = theme
        self.inbox = inbox
        self.clock = clock
        self.perform = perform
    }

    /// Runs until quit or a terminating signal; returns the final state too.
    public func run(initial: ConsoleState, until stop: (ConsoleState) -> Bool = { _ in false }) -> (Outcome, ConsoleState) {
        var state = initial
        state.size = terminal.size
        // What waited before the terminal started (the stored records) is in the first frame: drawing
        // the empty state first only delayed the one the operator reads.
        var quit = false
        for action in inbox.drain() {
            for effect in ConsoleReducer.reduce(&state, action, panes: panes) {
                if effect == .quit { quit = true } else { perform(effect) }
            }
        }
        if quit { return (.quit, state) }
        onFrame(terminal.draw(ConsoleRenderer.render(state, size: terminal.size, theme: theme, panes: panes)))
        var nextTick = Self.nextSecond(after: clock())
        while true {
            let timeout = max(0, nextTick.timeIntervalSince(clock()))
            var actions: [ConsoleAction] = []
            var outcome: Outcome?
            for input in terminal.waitForInput(timeout: timeout) {
                switch input {
                case .key(.ctrl("l")):
                    // Redraw everything: the screen may hold garbage (line noise over SSH, another program).
                    terminal.invalidate()
                    actions.append(.resized(terminal.size))
                case .key(let key): actions.append(.keyPressed(key))
                case .resized(let size): actions.append(.resized(size))
                case .woken: break
                case .terminated(let signal): outcome = .terminated(signal: signal)
                }
            }
            actions += inbox.drain()
            let now = clock()
            if now >= nextTick {
                actions.append(.tick(now))
                nextTick = Self.nextSecond(after: now)
            }
            for action in actions {
                for effect in ConsoleReducer.reduce(&state, action, panes: panes) {
                    if effect == .quit { outcome = outcome ?? .quit } else { perform(effect) }
                }
            }
            if let outcome { return (outcome, state) }
            if !actions.isEmpty {
                onFrame(terminal.draw(ConsoleRenderer.render(state, size: terminal.size, theme: theme, panes: panes)))
            }
            if stop(state) { return (.quit, state) }
        }
    }

    /// Ticks fall on whole seconds so the clock and countdowns change together, once.
    static func nextSecond(after date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 + 1).rounded(.down))
    }
}
