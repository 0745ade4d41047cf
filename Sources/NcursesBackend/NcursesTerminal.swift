@preconcurrency internal import CNcursesw
import Foundation
import TerminalKit

/// The console's terminal through ncurses: set up with `newterm` (so an unknown TERM is an error we
/// report, not an exit inside the library), drawn by writing only the cells that changed, read
/// without busy waiting (poll on the input and a wake-up pipe), and always restored.
///
/// Not thread-safe: one thread owns it. Other threads wake it through `waker`.
public final class NcursesTerminal: TerminalDevice {
    public struct Options: Sendable {
        /// Draw without colours (NO_COLOR); attributes still apply.
        public var noColor: Bool
        /// Terminal type; nil reads TERM.
        public var termType: String?
        /// For measurements: write the terminal's bytes to this file; keys come from a pipe nobody writes.
        public var outputPath: String?

        public init(noColor: Bool = false, termType: String? = nil, outputPath: String? = nil) {
            self.noColor = noColor
            self.termType = termType
            self.outputPath = outputPath
        }
    }

    /// Whether the locale is UTF-8; otherwise every cell goes through `Glyphs.asciiFallback`.
    public let unicode: Bool
    public let colorDepth: ColorDepth
    public let termType: String
    public private(set) var size: Size
    public let waker: TerminalWaker

    private let screen: OpaquePointer
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    private let inputFD: Int32
    private let wakeRead: Int32
    private var previous: ScreenBuffer?
    private var pairs: [Int: Int32] = [:]
    private var restored = false
    private var silentWriter: Int32 = -1

    public init(options: Options = Options(), environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TerminalSetupError) {
        guard let term = options.termType ?? environment["TERM"], !term.isEmpty else { throw .termNotSet }
        setlocale(LC_ALL, "")
        unicode = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"
        let outFD: Int32, inFD: Int32
        if let path = options.outputPath {
            outFD = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var silent: [Int32] = [-1, -1]
            _ = pipe(&silent) // /dev/null would always poll readable; a pipe with an idle writer blocks
            inFD = silent[0]
            silentWriter = silent[1]
        } else {
            guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
            outFD = dup(1)
            inFD = dup(0)
        }
        guard outFD >= 0, inFD >= 0, let out = fdopen(outFD, "w"), let inp = fdopen(inFD, "r") else {
            throw .initFailed("cannot open the terminal's file descriptors (errno \(errno))")
        }
        mammon_save_tty(outFD)
        guard let screen = newterm(term, out, inp) else {
            fclose(out)
            fclose(inp)
            throw .unknownTerminal(term)
        }
        set_term(screen)
        guard mammon_tigetstr("cup") != nil else {
            // "dumb" and hard-copy terminals: ncurses accepts them, but a full-screen console cannot work.
            endwin()
            delscreen(screen)
            fclose(out)
            fclose(inp)
            throw .cannotMoveCursor(term)
        }
        self.screen = screen
        self.output = out
        self.input = inp
        self.inputFD = inFD
        self.termType = term

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .initFailed("pipe failed (errno \(errno))") }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        wakeRead = fds[0]
        waker = TerminalWaker(fd: fds[1])

        raw()
        noecho()
        nonl()
        keypad(mammon_stdscr(), true)
        nodelay(mammon_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if !options.noColor && has_colors() {
            start_color()
            _ = use_default_colors()
            colorDepth = ColorDepth(colors: Int(mammon_colors()))
        } else {
            colorDepth = .none
        }
        size = Size(width: Int(mammon_cols()), height: Int(mammon_lines()))
        let capabilities: [String] = ["rmcup", "cnorm", "sgr0"]
        let restore = capabilities.compactMap { mammon_tigetstr($0).map { String(cString: $0) } }.joined()
        mammon_install_signal_handlers(fds[1], restore)
    }

    deinit { restore() }

    /// Checks, before anything else starts, that the console can run here: TERM set and known,
    /// cursor addressing, a terminal on standard input and output. Draws nothing.
    public static func preflight(termType: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TerminalSetupError) {
        guard let term = termType ?? environment["TERM"], !term.isEmpty else { throw .termNotSet }
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        switch mammon_check_term(term) {
        case 1: return
        case -2: throw .cannotMoveCursor(term)
        default: throw .unknownTerminal(term)
        }
    }

    @discardableResult
    public func draw(_ buffer: ScreenBuffer) -> Int {
        guard !restored else { return 0 }
        let changes = buffer.diff(from: previous)
        for change in changes { put(change) }
        previous = buffer
        if !changes.isEmpty { refresh() }
        return changes.count
    }

    /// Forgets what is on screen so the next `draw` writes everything (after a resize or Ctrl-L).
    public func invalidate() {
        previous = nil
        clearok(mammon_stdscr(), true)
    }

    private func put(_ change: CellChange) {
        let cell = change.cell
        var scalars: [wchar_t]
        if unicode {
            scalars = cell.symbol.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        } else {
            scalars = [wchar_t(Glyphs.asciiFallback(cell.symbol).unicodeScalars.first!.value)]
        }
        scalars.append(0)
        let attrs = attributes(cell.style.attributes)
        let pair = pairNumber(cell.style)
        _ = mammon_put_cell(Int32(change.y), Int32(change.x), scalars, attrs, pair)
        if !unicode, cell.width == 2 {
            _ = mammon_put_cell(Int32(change.y), Int32(change.x + 1), [32, 0], attrs, pair)
        }
    }

    private func attributes(_ a: Attributes) -> attr_t {
        var out = mammon_attr_normal()
        if a.contains(.bold) { out |= mammon_attr_bold() }
        if a.contains(.dim) { out |= mammon_attr_dim() }
        if a.contains(.italic) { out |= mammon_attr_italic() }
        if a.contains(.underline) { out |= mammon_attr_underline() }
        if a.contains(.reverse) { out |= mammon_attr_reverse() }
        return out
    }

    private func pairNumber(_ style: Style) -> Int32 {
        guard colorDepth != .none else { return 0 }
        let fg = colorDepth.number(for: style.fg), bg = colorDepth.number(for: style.bg)
        if fg == -1 && bg == -1 { return 0 }
        let key = (fg + 1) << 16 | (bg + 1)
        if let pair = pairs[key] { return pair }
        let pair = max(0, alloc_pair(Int32(fg), Int32(bg)))
        pairs[key] = pair
        return pair
    }

    public func waitForInput(timeout: Double) -> [TerminalInput] {
        guard !restored else { return [] }
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let ms = Int32(max(0, min(timeout * 1000, 3_600_000)).rounded(.up))
        _ = poll(&fds, 2, ms)
        var events: [TerminalInput] = []
        let signal = mammon_pending_signal()
        if signal != 0 { events.append(.terminated(signal: signal)) }
        if fds[1].revents & Int16(POLLIN) != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &sink, sink.count) > 0 {}
            if signal == 0 { events.append(.woken) }
        }
        if Self.terminalGone(fds[0].revents, fd: inputFD) {
            // The terminal went away (its tmux or SSH session ended without a SIGHUP reaching us: a
            // console under setsid has no controlling terminal). A hung-up tty polls readable and
            // reads EOF forever, so reading on would spin: quit as for SIGHUP.
            events.append(.terminated(signal: SIGHUP))
            return events
        }
        readKeys(into: &events)
        return events
    }

    /// Whether the terminal behind `fd` is gone, from what `poll` said of it: hung up or in error
    /// (Linux reports a hung-up tty as POLLIN | POLLHUP | POLLERR), or readable with nothing to read
    /// (end of file, or the read error the kernel keeps answering).
    static func terminalGone(_ revents: Int16, fd: Int32) -> Bool {
        if revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        guard revents & Int16(POLLIN) != 0 else { return false }
        var pending: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &pending) != 0 || pending <= 0
    }

    private func readKeys(into events: inout [TerminalInput]) {
        for _ in 0..<256 {
            var ch: wint_t = 0
            let rc = wget_wch(mammon_stdscr(), &ch)
            if rc == ERR { return }
            if rc == KEY_CODE_YES {
                if Int32(ch) == mammon_key_resize() {
                    size = Size(width: Int(mammon_cols()), height: Int(mammon_lines()))
                    invalidate()
                    events.append(.resized(size))
                } else if let key = KeyDecoder.functionKey(Int32(ch)) {
                    events.append(.key(key))
                }
            } else if let key = KeyDecoder.character(UInt32(ch)) {
                events.append(.key(key))
            }
        }
    }

    public func restore() {
        guard !restored else { return }
        restored = true
        // Terminals without an alternate screen (vt100, linux) would keep the last frame: clear it.
        werase(mammon_stdscr())
        wrefresh(mammon_stdscr())
        curs_set(1)
        endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
        mammon_reset_signal_handlers()
        close(wakeRead)
        waker.close()
        if silentWriter >= 0 { close(silentWriter) }
    }
}
