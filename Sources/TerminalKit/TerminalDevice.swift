/// What a terminal tells the console loop.
public enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resized(Size)
    /// Another thread asked the loop to look at its queue (engine events arrived).
    case woken
    /// SIGTERM, SIGINT or SIGHUP: quit in order.
    case terminated(signal: Int32)
}

/// A terminal the console can draw on and read from. The ncurses backend is one; tests use a fake.
public protocol TerminalDevice: AnyObject {
    var size: Size { get }
    /// Writes the cells that differ from the previous frame; returns how many.
    @discardableResult func draw(_ buffer: ScreenBuffer) -> Int
    /// Blocks until input, a wake-up or `timeout` seconds; returns what happened (empty on timeout).
    func waitForInput(timeout: Double) -> [TerminalInput]
    /// Forgets what is on screen so the next `draw` writes every cell (Ctrl-L, after line noise).
    func invalidate()
    /// Leaves the terminal as the shell had it. Safe to call twice.
    func restore()
}

extension TerminalDevice {
    public func invalidate() {}
}
