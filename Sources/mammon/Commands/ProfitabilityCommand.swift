import ArgumentParser

struct ProfitabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profitability", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("'profitability' is not built yet") }
}
