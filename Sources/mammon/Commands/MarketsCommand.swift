import ArgumentParser

struct MarketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "markets", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("'markets' is not built yet") }
}
