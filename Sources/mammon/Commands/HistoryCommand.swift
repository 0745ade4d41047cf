import ArgumentParser

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("'history' is not built yet") }
}
