import ArgumentParser
import Foundation

/// Which chain the engine runs on and where its database lives.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Network: simulated (default, in-process chain).")
    var network: String = "simulated"

    @Option(help: "SQLite database. Default: $XDG_DATA_HOME/mammon/<network>.sqlite")
    var db: String?

    var databasePath: String { db ?? Paths.database(network: network) }

    func validate() throws {
        guard network == "simulated" else {
            throw ValidationError("network '\(network)' is not available yet: only 'simulated' is built")
        }
    }
}
