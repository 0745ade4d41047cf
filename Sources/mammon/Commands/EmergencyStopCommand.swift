import ArgumentParser
import MammonCore
import Runtime

/// `mammon emergency-stop`: halts an engine until `mammon resume`. With no engine running on the
/// database (after a crash, from cron, over a bad connection) it latches the stop in the database,
/// so the next start sends nothing; with one running it asks that engine over its control socket.
/// Needs no key and no node either way.
struct EmergencyStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergency-stop",
        abstract: "Halt an engine until `mammon resume`: a running one over its control socket, else latched in its database.")

    @OptionGroup var network: NetworkOptions

    func run() async throws {
        let outcome = try await EmergencyStop.run(databasePath: network.databasePath)
        if let engine = outcome.runningEngine {
            print(UntrustedText.printable("emergency stop latched by the running engine (\(engine)): \(outcome.answer ?? ""); it sends nothing until `mammon resume`"))
        } else {
            print("emergency stop latched in \(network.databasePath): the engine sends nothing until `mammon resume`")
        }
    }
}
