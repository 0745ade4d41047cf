import ArgumentParser

struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wallet", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("'wallet' is not built yet") }
}
