import ArgumentParser
import ConsoleRuntime
import Foundation
import MammonCore
import Runtime

/// `mammon console`: attaches a console to a running engine (a service, or an engine in another
/// terminal). `q` detaches; the engine keeps running. `--read-only` connects through the observer
/// socket, through which the engine refuses every command.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Attach a console to a running engine (q detaches; the engine keeps running).")

    @Option(help: "The engine's database (its sockets are found beside it). Default: the network's database.")
    var db: String?

    @Option(help: "The engine's network, to find its default database.")
    var network: String = "simulated"

    @Option(help: "Connect to this socket instead (a control or observer socket shown by `mammon status`).")
    var socket: String?

    @Flag(help: "Watch only, through the observer socket: the engine refuses every command from it.")
    var readOnly = false

    @Option(help: "Console theme.")
    var theme: String?

    func validate() throws {
        // The rule of CONSOLE_THEME, from its one definition.
        if let theme, let key = ConfigKey.named("CONSOLE_THEME"), !key.accepts(theme) {
            throw ValidationError("--theme '\(theme)': allowed \(key.range)")
        }
    }

    func run() async throws {
        let database = db ?? Paths.database(network: network)
        let path: String
        if let socket { path = socket } else {
            let sockets = try SocketPaths.find(database)
            path = readOnly ? sockets.observer : sockets.control
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no engine is running on \(database) (no socket at \(path)); start one with `mammon --db \(database)` or under systemd")
        }
        let code = try await ConsoleLauncher.attach(socketPath: path, readOnly: readOnly, databasePath: database, network: network, theme: theme)
        if code != 0 { throw ExitCode(code) }
    }
}
