import Chain
import EVM
import Foundation

/// Which chain the engine runs on, how to reach it, which wallet signs, and where the database lives:
/// what `--network`, `--network-file`, `--rpc-url`, `--keystore`, `--watch`, `--db` and their
/// environment variables say, as one value every command and the engine's setup read.
public struct NetworkSelection: Sendable {
    public var network: String
    public var networkFile: String?
    public var rpcURLs: [String]
    public var rpcURLFile: String?
    public var keystore: String?
    public var passwordFile: String?
    public var watch: String?
    public var db: String?
    public var acceptAddress: [String]

    public init(network: String = "simulated", networkFile: String? = nil, rpcURLs: [String] = [], rpcURLFile: String? = nil,
                keystore: String? = nil, passwordFile: String? = nil, watch: String? = nil, db: String? = nil, acceptAddress: [String] = []) {
        self.network = network
        self.networkFile = networkFile
        self.rpcURLs = rpcURLs
        self.rpcURLFile = rpcURLFile
        self.keystore = keystore
        self.passwordFile = passwordFile
        self.watch = watch
        self.db = db
        self.acceptAddress = acceptAddress
    }

    /// `--accept-address` values, lowercased for comparison.
    public var acceptedAddresses: Set<String> { Set(acceptAddress.map { $0.lowercased() }) }

    /// How the database records the network: built-in networks by name, network files as "file:<name>",
    /// so a fork described in a file (chain 8453, the same key) never opens the mainnet database.
    public func identityName(_ live: NetworkConfig) -> String { networkFile == nil ? live.name : "file:" + live.name }

    /// A shadow run has its own default database: its executions never happened on chain, so they
    /// never share a file (journal, limits) with the wallet's live ones.
    public var databasePath: String { db ?? Paths.database(network: watch == nil ? databaseName : databaseName + "-shadow") }

    /// The watched address of a shadow run (checked by `validate`).
    public var watchedAddress: Address? { watch.flatMap { try? Address(hex: $0) } }

    /// The network's name for the default database: the file's own name for a network file.
    private var databaseName: String {
        if let networkFile, let config = try? NetworkRegistry.load(file: networkFile) { return config.name }
        return network
    }

    public var isSimulated: Bool { networkFile == nil && network == "simulated" }

    /// The network's name as commands print it.
    public var displayName: String { isSimulated ? "simulated" : ((try? liveNetwork())??.name ?? network) }

    /// Checks what parsing cannot: exclusive flags, the watched address, the network's name. Warns on
    /// stderr about a `--rpc-url` that seems to carry a credential.
    public func validate() throws(UsageError) {
        if !rpcURLs.isEmpty, rpcURLFile != nil { throw UsageError("--rpc-url and --rpc-url-file both name endpoints: use one") }
        for url in rpcURLs where EndpointURL.seemsToCarrySecret(url) {
            FileHandle.standardError.write(Data(("warning: --rpc-url \(EndpointURL.redacted(url)) seems to carry credentials or an API key, and a "
                + "command line is readable by every local user (ps, /proc/PID/cmdline): use --rpc-url-file FILE (chmod 600) or $MAMMON_RPC_URL\n").utf8))
        }
        if let watch {
            guard (try? Address(hex: watch)) != nil else { throw UsageError("--watch \(watch): not an address (0x and 40 hex digits)") }
            guard keystore == nil else {
                throw UsageError("--watch runs without a key (shadow mode never signs): drop --keystore, or drop --watch to run live")
            }
            guard !isSimulated else {
                throw UsageError("--watch needs a live network (--network base, base-sepolia, or --network-file): the simulated network has nothing to watch")
            }
        }
        guard networkFile == nil else { return }
        guard network == "simulated" || NetworkRegistry.builtInNames.contains(network) else {
            throw UsageError("unknown network '\(network)': use simulated, \(NetworkRegistry.builtInNames.joined(separator: ", ")), or --network-file FILE")
        }
    }

    /// The live network with `--rpc-url` applied, or nil for the simulated chain. Chain id 8453 (Base,
    /// real money) from a file is refused unless `--network base` names it too.
    public func liveNetwork() throws -> NetworkConfig? {
        if isSimulated { return nil }
        var config: NetworkConfig
        if let networkFile {
            config = try NetworkRegistry.load(file: networkFile)
            if config.isMainnet && network != "base" {
                throw UsageError("\(networkFile) describes chain 8453 (Base mainnet, real money): name it explicitly with --network base")
            }
        } else {
            config = try NetworkRegistry.builtIn(network)
        }
        if let (urls, source) = try givenRPCURLs() {
            for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw UsageError("\(source): \(EndpointURL.redacted(url)) is not an http(s) URL")
            }
            config.rpcURLs = urls
        }
        return config
    }

    /// The endpoints the operator gave, and where they came from: `--rpc-url`, else `--rpc-url-file`
    /// (checked like a keystore: only its owner may read it), else `$MAMMON_RPC_URL`. Nil: the network's own.
    public func givenRPCURLs() throws -> (urls: [String], source: String)? {
        if !rpcURLs.isEmpty { return (rpcURLs, "--rpc-url") }
        if let rpcURLFile {
            let text = try SecretFile.read(rpcURLFile, kind: "RPC URL file").withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
            let urls = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !urls.isEmpty else { throw UsageError("--rpc-url-file \(rpcURLFile) holds no URL") }
            return (urls, "--rpc-url-file \(rpcURLFile)")
        }
        if let env = ProcessInfo.processInfo.environment["MAMMON_RPC_URL"] {
            let urls = env.split(whereSeparator: \.isWhitespace).map(String.init)
            if !urls.isEmpty { return (urls, "MAMMON_RPC_URL") }
        }
        return nil
    }
}
