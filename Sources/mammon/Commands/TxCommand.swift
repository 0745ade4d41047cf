import ArgumentParser

struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tx", abstract: "Not built yet.")
    func run() async throws { throw ValidationError("'tx' is not built yet") }
}
