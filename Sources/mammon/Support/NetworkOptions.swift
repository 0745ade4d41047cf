import ArgumentParser
import Chain
import EVM
import Foundation

/// Which chain the engine runs on, how to reach it, which wallet signs, and where the database lives.
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

    /// `--accept-address` values, lowercased for comparison.
    var acceptedAddresses: Set<String> { Set(acceptAddress.map { $0.lowercased() }) }

    /// How the database records the network: built-in networks by name, network files as "file:<name>",
    /// so a fork described in a file (chain 8453, the same key) never opens the mainnet database.
    func identityName(_ live: NetworkConfig) -> String { networkFile == nil ? live.name : "file:" + live.name }

    /// A shadow run has its own default database: its executions never happened on chain, so they
    /// never share a file (journal, limits) with the wallet's live ones.
    var databasePath: String { db ?? Paths.database(network: watch == nil ? databaseName : databaseName + "-shadow") }

    /// The watched address of a shadow run (checked by `validate`).
    var watchedAddress: Address? { watch.flatMap { try? Address(hex: $0) } }

    /// The network's name for the default database: the file's own name for a network file.
    private var databaseName: String {
        if let networkFile, let config = try? NetworkRegistry.load(file: networkFile) { return config.name }
        return network
    }

    var isSimulated: Bool { networkFile == nil && network == "simulated" }

    func validate() throws {
        if !rpcURLs.isEmpty, rpcURLFile != nil { throw ValidationError("--rpc-url and --rpc-url-file both name endpoints: use one") }
        for url in rpcURLs where EndpointURL.seemsToCarrySecret(url) {
            FileHandle.standardError.write(Data(("warning: --rpc-url \(EndpointURL.redacted(url)) seems to carry credentials or an API key, and a "
                + "command line is readable by every local user (ps, /proc/PID/cmdline): use --rpc-url-file FILE (chmod 600) or $MAMMON_RPC_URL\n").utf8))
        }
        if let watch {
            guard (try? Address(hex: watch)) != nil else { throw ValidationError("--watch \(watch): not an address (0x and 40 hex digits)") }
            guard keystore == nil else {
                throw ValidationError("--watch runs without a key (shadow mode never signs): drop --keystore, or drop --watch to run live")
            }
            guard !isSimulated else {
                throw ValidationError("--watch needs a live network (--network base, base-sepolia, or --network-file): the simulated network has nothing to watch")
            }
        }
        guard networkFile == nil else { return }
        guard network == "simulated" || NetworkRegistry.builtInNames.contains(network) else {
            throw ValidationError("unknown network '\(network)': use simulated, \(NetworkRegistry.builtInNames.joined(separator: ", ")), or --network-file FILE")
        }
    }

    /// The live network with `--rpc-url` applied, or nil for the simulated chain. Chain id 8453 (Base,
    /// real money) from a file is refused unless `--network base` names it too.
    func liveNetwork() throws -> NetworkConfig? {
        if isSimulated { return nil }
        var config: NetworkConfig
        if let networkFile {
            config = try NetworkRegistry.load(file: networkFile)
            if config.isMainnet && network != "base" {
                throw ValidationError("\(networkFile) describes chain 8453 (Base mainnet, real money): name it explicitly with --network base")
            }
        } else {
            config = try NetworkRegistry.builtIn(network)
        }
        if let (urls, source) = try givenRPCURLs() {
            for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("\(source): \(EndpointURL.redacted(url)) is not an http(s) URL")
            }
            config.rpcURLs = urls
        }
        return config
    }

    /// The endpoints the operator gave, and where they came from: `--rpc-url`, else `--rpc-url-file`
    /// (checked like a keystore: only its owner may read it), else `$MAMMON_RPC_URL`. Nil: the network's own.
    func givenRPCURLs() throws -> (urls: [String], source: String)? {
        if !rpcURLs.isEmpty { return (rpcURLs, "--rpc-url") }
        if let rpcURLFile {
            let text = try SecretFile.read(rpcURLFile, kind: "RPC URL file").withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            let urls = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !urls.isEmpty else { throw ValidationError("--rpc-url-file \(rpcURLFile) holds no URL") }
            return (urls, "--rpc-url-file \(rpcURLFile)")
        }
        if let env = ProcessInfo.processInfo.environment["MAMMON_RPC_URL"] {
            let urls = env.split(whereSeparator: \.isWhitespace).map(String.init)
            if !urls.isEmpty { return (urls, "MAMMON_RPC_URL") }
        }
        return nil
    }
}
