import Console
import Engine
import Foundation
import MammonCore
import Runtime
import NcursesBackend
import Store
import Synchronization
import TerminalKit

/// The console's entry point: the engine's events in, the operator's commands out, the terminal on a
/// thread of its own (ncurses calls block and are not thread-safe). Returns the process exit code.
enum ConsoleRunner {
    static func run(link: any ConsoleLink, options: ConsoleOptions) async throws -> Int32 {
        // An unusable terminal is reported before the engine does anything.
        do { try NcursesTerminal.preflight(environment: options.environment) } catch {
            FileHandle.standardError.write(Data("mammon: \(error)\n".utf8))
            await link.finish()
            return error.exitCode
        }
        let (theme, themeWarning) = chooseTheme(options)
        let inbox = ActionInbox()
        // What happened before this console opened, then the live stream (the link keeps the seam).
        try await link.start(into: inbox)

        let commands = CommandSender(link: link, inbox: inbox)
        let result: Result<(ConsoleLoop.Outcome, ConsoleState), TerminalSetupError> = await withCheckedContinuation { done in
            let thread = Thread {
                done.resume(returning: runTerminal(options: options, theme: theme, themeWarning: themeWarning,
                                                   inbox: inbox, commands: commands, link: link))
            }
            thread.name = "mammon-console"
            thread.start()
        }

        var code: Int32 = 0
        switch result {
        case .failure(let error):
            FileHandle.standardError.write(Data("mammon: \(error)\n".utf8))
            code = error.exitCode
        case .success(let (outcome, state)):
            if let themeWarning { FileHandle.standardError.write(Data("mammon: \(themeWarning)\n".utf8)) }
            if state.link.isAttached {
                FileHandle.standardError.write(Data("mammon: detached; the engine keeps running\n".utf8))
            } else if state.executionInFlight {
                FileHandle.standardError.write(Data("mammon: waiting for the running step to finish…\n".utf8))
            }
            // A signal (SIGTERM, SIGINT, SIGHUP) is an orderly shutdown like quitting: exit 0, as headless does.
            _ = outcome
        }
        // The terminal is restored; until the engine has finished its step, another Ctrl-C or hang-up
        // must not cut the step in half (SIGKILL still can).
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_IGN) }
        await commands.drain()
        await link.finish()
        return code
    }

    /// Runs on the console thread: sets the terminal up, loops, and always restores it.
    static func runTerminal(options: ConsoleOptions, theme: Theme, themeWarning: String?, inbox: ActionInbox,
                            commands: CommandSender, link: any ConsoleLink) -> Result<(ConsoleLoop.Outcome, ConsoleState), TerminalSetupError> {
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(options: .init(noColor: options.noColor), environment: options.environment)
        } catch {
            return .failure(error)
        }
        defer { terminal.restore() }
        let waker = terminal.waker
        inbox.connect { waker.wake() }
        let shownTheme = terminal.colorDepth == .none ? ThemeLoader.builtin("monochrome") ?? theme : theme
        var state = ConsoleState(now: Date(), size: terminal.size)
        state.databasePath = options.databasePath
        state.link = link.initialState
        state.clientName = link.clientName
        if let themeWarning {
            state.flash = Flash(text: themeWarning, severity: .warning, until: state.now.addingTimeInterval(20))
            state.log.append(LogLine(at: state.now, type: "console", text: themeWarning, severity: .warning))
        }
        StartupTrace.mark("terminal set up")
        var loop = ConsoleLoop(terminal: terminal, theme: shownTheme, inbox: inbox) { effect in
            switch effect {
            case .send(let command): commands.send(command)
            case .loadEarlierHistory: Task { await link.loadEarlierHistory(into: inbox) }
            case .quit: break
            }
        }
        var frames = 0
        loop.onFrame = { _ in
            frames += 1
            if frames <= 3 { StartupTrace.mark("frame \(frames) drawn") }
            // The link pushed what happened before this console opened before the terminal started,
            // and the first frame folds it in: the decoded history is garbage now. Give those pages
            // back (glibc keeps freed heap resident) rather than hold them for weeks.
            if frames == 1 { ProcessMemory.releaseFreeHeap() }
        }
        let (outcome, final) = loop.run(initial: state)
        inbox.connect(nil)
        return .success((outcome, final))
    }

    static func chooseTheme(_ options: ConsoleOptions) -> (Theme, String?) {
        let loader = ThemeLoader(environment: options.environment)
        if options.noColor { return (ThemeLoader.builtin("monochrome") ?? ThemeLoader.fallback, nil) }
        let (theme, warning) = loader.load(options.themeName)
        return (theme, warning)
    }
}
