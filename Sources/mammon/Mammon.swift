import ArgumentParser
import Foundation
import MammonCore
import Runtime

/// The `mammon` command: the engine with its console (default), plus tools around it.
@main
struct Mammon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mammon",
        abstract: "Autonomous stablecoin treasury engine for lending markets on Base.",
        version: MammonVersion.current,
        subcommands: [
            RunCommand.self, ConsoleCommand.self, StatusCommand.self, HistoryCommand.self, ReportCommand.self, ResumeCommand.self, ProfitabilityCommand.self,
            WalletCommand.self, TxCommand.self, MarketsCommand.self, TreasuryCommand.self, EmergencyStopCommand.self, AlertCommand.self, SimulateHistoryCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    /// ArgumentParser's entry, with the process hardened before any argument is looked at or any
    /// secret is read, and errors made printable (they can quote a node).
    static func main() async {
        ProcessMemory.tuneForLongRun()  // before any thread exists
        StartupTrace.mark("main")
        for problem in ProcessHardening.apply() {
            FileHandle.standardError.write(Data("mammon: warning: \(problem)\n".utf8))
        }
        var command: any ParsableCommand
        do { command = try await asyncParseAsRoot(nil) } catch { exit(withError: error) }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Errors quote nodes, files and paths: printed without control sequences.
            exit(withError: PrintableError.wrapping(error))
        }
    }
}
