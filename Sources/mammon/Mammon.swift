import ArgumentParser

/// The `mammon` command: the engine with its console (default), plus tools around it.
@main
struct Mammon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mammon",
        abstract: "Autonomous stablecoin treasury engine for lending markets on Base.",
        subcommands: [
            RunCommand.self, ConsoleCommand.self, StatusCommand.self, HistoryCommand.self, ResumeCommand.self, ProfitabilityCommand.self,
            WalletCommand.self, TxCommand.self, MarketsCommand.self, EmergencyStopCommand.self, AlertCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: RunCommand.self)
}
