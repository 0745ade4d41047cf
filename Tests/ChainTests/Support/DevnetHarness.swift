import EVM
import Chain
import Foundation
import XCTest

/// Addresses and figures of a running devnet, from its ready line.
struct DevnetInfo {
    let rpcURL: String
    let chainID: UInt64
    let usdc: String
    let feed: String
    let pool: String
    let aToken: String
    let mToken: String
    let vault: String
    let deployer: String
    /// The GasPriceOracle stand-in (not part of the network file mammon reads by default).
    let l1GasPriceOracle: String
    let aavePoolAddressesProvider: String
    /// The L2 sequencer uptime feed's stand-in (a PriceFeed: answer 0 = up since startedAt).
    let sequencerFeed: String
    /// Multicall3's own bytecode, deployed at the devnet's address (the network file's "multicall3").
    let multicall3: String
    /// Blocks the deployment mined (one transaction per block).
    let deployTransactions: Int
    /// The Comet stand-in (`compound-v3:usdc`) and the Fluid-style vault (6-decimal shares), listed in
    /// the devnet's own network file in the family format.
    let comet: String
    let fluidVault: String
    /// A vault over a token that is not USDC (the bridged "USDbC" stand-in): never listed.
    let bridgedUSDC: String
    let bridgedVault: String
}

/// A devnet.py process for one test: started on a free port with the contracts deployed and
/// the test wallet funded, stopped in tearDown.
final class DevnetHarness: @unchecked Sendable {
    /// Key 0x46…46, the EIP-155 example key: the wallet the devnet funds for tests.
    static let walletKey = "0x" + String(repeating: "46", count: 32)
    static let walletAddress = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
    /// What --fund gives it: 100 ETH and 100 000 USDC.
    static let walletETH = "0x56bc75e2d63100000"
    static let walletUSDC = "0x174876e800"

    let server: PythonServer
    let info: DevnetInfo

    /// `fence`: also the real Safe 1.4.1 and Zodiac Roles v2.1.0 contracts at their Base addresses.
    static func start(chainID: UInt64 = 31337, deploy: Bool = true, fence: Bool = false) async throws -> DevnetHarness {
        var arguments = ["--watch-stdin", "--chain-id", String(chainID)]
        if deploy { arguments += ["--deploy", "--fund", walletAddress] }
        if fence { arguments.append("--fence") }
        let server = try await PythonServer.start(script: "devnet.py", arguments: arguments)
        let ready = server.readyLine
        let network = ready["network"] ?? .null
        let markets = network["markets"]?.arrayValue ?? []
        func market(_ protocolName: String, _ key: String) -> String {
            markets.first { $0["protocol"]?.stringValue == protocolName }?[key]?.stringValue ?? ""
        }
        func family(_ name: String) -> String {
            markets.first { $0["family"]?.stringValue == name }?["address"]?.stringValue ?? ""
        }
        let info = DevnetInfo(
            rpcURL: ready["rpc_url"]?.stringValue ?? "",
            chainID: UInt64(ready["chain_id"]?.intValue ?? 0),
            usdc: network["usdc"]?.stringValue ?? "",
            feed: network["eth_usd_feed"]?.stringValue ?? "",
            pool: market("aave-v3", "pool"),
            aToken: market("aave-v3", "a_token"),
            mToken: market("moonwell", "m_token"),
            vault: market("morpho-vault", "vault"),
            deployer: network["deployer"]?.stringValue ?? "",
            l1GasPriceOracle: network["l1_gas_price_oracle"]?.stringValue ?? "",
            aavePoolAddressesProvider: network["aave_pool_addresses_provider"]?.stringValue ?? "",
            sequencerFeed: network["sequencer_uptime_feed"]?.stringValue ?? "",
            multicall3: network["multicall3"]?.stringValue ?? "",
            deployTransactions: ready["deploy_transactions"]?.intValue ?? 0,
            comet: family("compound-v3"), fluidVault: family("erc4626"),
            bridgedUSDC: network["bridged_usdc"]?.stringValue ?? "", bridgedVault: network["bridged_usdc_vault"]?.stringValue ?? "")
        print("devnet: ready in \(Int(server.startupSeconds * 1000)) ms (node + deployment \(ready["startup_ms"]?.intValue ?? -1) ms)")
        return DevnetHarness(server: server, info: info)
    }

    private init(server: PythonServer, info: DevnetInfo) {
        self.server = server
        self.info = info
    }

    func client(policy: EndpointPolicy = EndpointPolicy()) throws -> JSONRPCClient {
        try JSONRPCClient(urls: [info.rpcURL], policy: policy)
    }

    func stop() { server.stop() }
}

/// A transaction signed by eth-account through Tests/Devnet/sign_tx.py.
struct SignedTransaction {
    let raw: String
    let hash: String
}

func signWithPython(_ fields: [String: JSONValue]) async throws -> SignedTransaction {
    let output = try await runPythonScript("sign_tx.py", arguments: [JSONValue.object(fields).serialized])
    let answer = try JSONValue.parse(output.trimmingCharacters(in: .whitespacesAndNewlines))
    return SignedTransaction(raw: answer["raw"]?.stringValue ?? "", hash: answer["hash"]?.stringValue ?? "")
}

/// ABI helpers small enough for tests (the EVM module has the real ones).
enum TestABI {
    static func word(address: String) -> String {
        String(repeating: "0", count: 24) + address.dropFirst(2).lowercased()
    }

    static func word(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    static func calldata(_ selector: String, _ words: String...) throws -> [UInt8] {
        try Hex.parseData(selector + words.joined())
    }
}

/// One devnet shared by the tests of a class, each test isolated by `evm_snapshot` in setUp and
/// `evm_revert` in tearDown (a snapshot costs a few ms, a fresh devnet ~1.5 s). Stop it in the
/// class's `tearDown()`.
final class SharedDevnet: @unchecked Sendable {
    private let lock = NSLock()
    private var starting: Task<DevnetHarness, any Error>?
    private let fence: Bool

    init(fence: Bool = false) { self.fence = fence }

    func harness() async throws -> DevnetHarness {
        let task = lock.withLock {
            if let starting { return starting }
            let task = Task { [fence] in try await DevnetHarness.start(fence: fence) }
            starting = task
            return task
        }
        return try await task.value
    }

    /// Stops the devnet if one was started; safe to call from a synchronous class tearDown.
    func stop() {
        guard let task = lock.withLock({ defer { starting = nil }; return starting }) else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            (try? await task.value)?.stop()
            done.signal()
        }
        done.wait()
    }
}
