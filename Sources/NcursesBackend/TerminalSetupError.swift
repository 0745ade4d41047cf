/// Why the console cannot run on this terminal, worded for the operator, with an exit code.
public enum TerminalSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    case termNotSet
    case unknownTerminal(String)
    case cannotMoveCursor(String)
    case notATerminal
    case initFailed(String)

    public var description: String {
        switch self {
        case .termNotSet:
            "TERM is not set, so the console cannot drive this terminal. Set it (e.g. TERM=xterm-256color) "
                + "or run headless with --no-ui."
        case .unknownTerminal(let term):
            "the terminal type '\(term)' is unknown to this system's terminfo database. "
                + "Try TERM=xterm-256color, install ncurses-term, or run headless with --no-ui."
        case .cannotMoveCursor(let term):
            "the terminal type '\(term)' cannot move the cursor, so a full-screen console cannot run on it. "
                + "Use a terminal such as xterm-256color, or run headless with --no-ui."
        case .notATerminal:
            "standard input and output must be a terminal for the console; use --no-ui for JSON lines."
        case .initFailed(let detail):
            "the terminal could not be set up: \(detail). Run headless with --no-ui."
        }
    }

    /// 78 (EX_CONFIG, sysexits.h): the environment is wrong, not the program.
    public var exitCode: Int32 { 78 }
}
