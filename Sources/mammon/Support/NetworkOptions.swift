import ArgumentParser
import Runtime

/// `--network`, `--rpc-url`, `--keystore`, `--watch`, `--db` and the rest of `NetworkSelection`, as flags.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Network: simulated (default, in-process chain), base-sepolia, or base (real money: only when named here).")
    var network: String = "simulated"

    @Option(name: .customLong("network-file"), help: "A network described in JSON (devnet, fork, other EVM chain); see README.")
    var networkFile: String?

    @Option(name: .customLong("rpc-url"), parsing: .upToNextOption,
            help: "JSON-RPC endpoint(s), in preference order (replace the network's own). Repeatable. Every local user can read a command line: put a URL holding an API key in --rpc-url-file or $MAMMON_RPC_URL.")
    var rpcURLs: [String] = []

    @Option(name: .customLong("rpc-url-file"),
            help: "A file (mode 600) of JSON-RPC endpoint URLs, one per line, in preference order, instead of --rpc-url. Else $MAMMON_RPC_URL (URLs separated by spaces).")
    var rpcURLFile: String?

    @Option(help: "Keystore (Web3 Secret Storage v3) of the wallet that signs, for live networks.")
    var keystore: String?

    @Option(name: .customLong("password-file"), help: "Keystore password file (first line). Else $MAMMON_PASSWORD_FILE, else a prompt.")
    var passwordFile: String?

    @Option(help: ArgumentHelp("Shadow mode: run on the live network for this address, without its key. Nothing is ever signed or sent; moves are verified against the chain and kept in a shadow ledger.", valueName: "address"))
    var watch: String?

    @Option(help: "SQLite database. Default: $XDG_DATA_HOME/mammon/<network>.sqlite (<network>-shadow.sqlite with --watch)")
    var db: String?

    @Option(name: .customLong("accept-address"), parsing: .singleValue,
            help: "Accept this new address for a market or token whose pinned address the node now reports differently (after checking it yourself). Repeatable.")
    var acceptAddress: [String] = []

    var selection: NetworkSelection {
        NetworkSelection(network: network, networkFile: networkFile, rpcURLs: rpcURLs, rpcURLFile: rpcURLFile, keystore: keystore,
                         passwordFile: passwordFile, watch: watch, db: db, acceptAddress: acceptAddress)
    }

    var databasePath: String { selection.databasePath }

    func validate() throws {
        do { try selection.validate() } catch { throw ValidationError(error.description) }
    }
}
