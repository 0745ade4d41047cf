import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// A devnet with a `LiveChain` on it for the test wallet, and the admin calls tests use.
struct LiveDevnet {
    let harness: DevnetHarness
    let rpc: JSONRPCClient

    init(_ harness: DevnetHarness) throws {
        self.harness = harness
        self.rpc = try harness.client()
    }

    var info: DevnetInfo { harness.info }

    static func signer() throws -> Secp256k1Signer {
        var key = [UInt8](repeating: 0x46, count: 32)
        return try Secp256k1Signer(privateKey: SecretBytes(consuming: &key))
    }

    /// The devnet's network description, as a network file would give it: the original three markets,
    /// and with `families` the Comet and the Fluid-style vault too (in the family format); its Multicall3
    /// unless `multicall` is false (the markets then read with one eth_call each).
    func network(rpcURLs: [String]? = nil, chainID: UInt64? = nil, l1Fees: Bool = false, families: Bool = false,
                 multicall: Bool = true) throws -> NetworkConfig {
        var markets: [JSONValue] = [["protocol": "aave-v3", "pool": .string(info.pool)],
                                    ["protocol": "moonwell", "m_token": .string(info.mToken)],
                                    ["protocol": "morpho-vault", "vault": .string(info.vault)]]
        if families { markets += Self.familyMarkets(info) }
        var json: JSONValue = [
            "name": "devnet", "chain_id": .integer(Int(chainID ?? info.chainID)),
            "rpc_urls": .array((rpcURLs ?? [info.rpcURL]).map { .string($0) }),
            "usdc": .string(info.usdc), "eth_usd_feed": .string(info.feed),
            "markets": .array(markets),
        ]
        if case .object(var object) = json {
            if l1Fees { object["gas_price_oracle"] = .string(info.l1GasPriceOracle) }
            if multicall { object["multicall3"] = .string(info.multicall3) }
            json = .object(object)
        }
        return try NetworkRegistry.parse(json, source: "devnet")
    }

    /// The Comet and the Fluid-style vault as a network file names them, by family (no code knows them).
    static func familyMarkets(_ info: DevnetInfo) -> [JSONValue] {
        [["family": "compound-v3", "address": .string(info.comet), "name": "usdc"],
         ["family": "erc4626", "address": .string(info.fluidVault), "name": "Devnet Fluid USDC"]]
    }

    static let comet = MarketID(rawValue: "compound-v3:usdc")!
    static let fluid = MarketID(rawValue: "erc4626:devnet-fluid-usdc")!

    func chain(options: LiveChainOptions = LiveChainOptions(receiptPollSeconds: 0.05),
               rpcURLs: [String]? = nil, l1Fees: Bool = false, families: Bool = false, multicall: Bool = true,
               clock: any RPCClock = SystemRPCClock()) async throws -> LiveChain {
        try await LiveChain.connect(network: try network(rpcURLs: rpcURLs, l1Fees: l1Fees, families: families, multicall: multicall),
                                    signer: try Self.signer(),
                                    options: options, policy: EndpointPolicy(maxAttempts: 4), clock: clock)
    }

    @discardableResult
    func admin(_ method: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        try await rpc.request(method, params)
    }

    /// `eth_call` of a view returning one uint word.
    func uint(_ to: String, _ signature: String, _ args: [ABIValue] = []) async throws -> UInt256 {
        let data = try await rpc.call(to: to, data: try ABI.encodeCall(signature, args))
        return UInt256(bigEndian: data.prefix(32)) ?? .zero
    }

    var wallet: Address { try! Address(hex: DevnetHarness.walletAddress) }

    func usdcBalance() async throws -> UInt256 { try await uint(info.usdc, "balanceOf(address)", [.address(wallet)]) }
    func aTokenBalance() async throws -> UInt256 { try await uint(info.aToken, "balanceOf(address)", [.address(wallet)]) }
    func mTokenUnderlying() async throws -> UInt256 {
        let tokens = try await uint(info.mToken, "balanceOf(address)", [.address(wallet)])
        let rate = try await uint(info.mToken, "exchangeRateStored()")
        return tokens * rate / UInt256(1_000_000_000_000_000_000)
    }
    func cometBalance(of account: Address? = nil) async throws -> UInt256 {
        try await uint(info.comet, "balanceOf(address)", [.address(account ?? wallet)])
    }
    func fluidAssets(of account: Address? = nil) async throws -> UInt256 {
        let shares = try await uint(info.fluidVault, "balanceOf(address)", [.address(account ?? wallet)])
        return try await uint(info.fluidVault, "convertToAssets(uint256)", [.uint(shares)])
    }
    func vaultAssets() async throws -> UInt256 {
        let shares = try await uint(info.vault, "balanceOf(address)", [.address(wallet)])
        return try await uint(info.vault, "convertToAssets(uint256)", [.uint(shares)])
    }
    func ethBalance() async throws -> UInt256 { try UInt256(hex: try await rpc.balance(of: DevnetHarness.walletAddress)) }
    func blockNumber() async throws -> UInt64 { try await rpc.blockNumber() }

    /// Every transaction the wallet sent in blocks after `block`, with its receipt, from the chain.
    func walletTransactions(after block: UInt64) async throws -> [(tx: JSONValue, receipt: JSONValue)] {
        let head = try await blockNumber()
        var out: [(JSONValue, JSONValue)] = []
        guard head > block else { return [] }
        for n in (block + 1)...head {
            let b = try await rpc.request("eth_getBlockByNumber", [.string(EVM.Hex.quantity(n)), true])
            for tx in b["transactions"]?.arrayValue ?? [] where tx["from"]?.stringValue?.lowercased() == DevnetHarness.walletAddress.lowercased() {
                let hash = tx["hash"]?.stringValue ?? ""
                out.append((tx, try await rpc.request("eth_getTransactionReceipt", [.string(hash)])))
            }
        }
        return out
    }

    /// Sum of gasUsed × effectiveGasPrice over receipts.
    static func gasPaid(_ receipts: [JSONValue]) throws -> UInt256 {
        try receipts.reduce(UInt256.zero) { sum, r in
            sum + (try UInt256(hex: r["gasUsed"]?.stringValue ?? "0x0")) * (try UInt256(hex: r["effectiveGasPrice"]?.stringValue ?? "0x0"))
        }
    }

    /// Sends one action through the chain's own prepare/broadcast/receipt path.
    @discardableResult
    func send(_ chain: LiveChain, _ action: ChainAction) async throws -> TransactionReceipt {
        let tx = try await chain.prepare(action)
        try await chain.broadcast(tx)
        return try await chain.awaitReceipt(tx)
    }

    static func usdc(_ whole: UInt128) -> TokenAmount { TokenAmount(baseUnits: whole * 1_000_000, decimals: 6) }
}

/// The error a live-chain call threw, as text (nil when it succeeded).
func liveError<T>(_ body: () async throws -> T) async -> String? {
    do {
        _ = try await body()
        return nil
    } catch {
        return "\(error)"
    }
}

extension LiveDevnet {
    /// The network file `mammon --network-file` reads for this devnet (with the sequencer uptime
    /// feed's stand-in when `sequencer`, and the Comet and the Fluid-style vault when `families`).
    func networkFile(rpcURLs: [String]? = nil, sequencer: Bool = false, families: Bool = false) -> JSONValue {
        var markets: [JSONValue] = [["protocol": "aave-v3", "pool": .string(info.pool)],
                                    ["protocol": "moonwell", "m_token": .string(info.mToken)],
                                    ["protocol": "morpho-vault", "vault": .string(info.vault)]]
        if families { markets += Self.familyMarkets(info) }
        var file: JSONValue = [
            "name": "devnet", "chain_id": .integer(Int(info.chainID)),
            "rpc_urls": .array((rpcURLs ?? [info.rpcURL]).map { .string($0) }),
            "usdc": .string(info.usdc), "eth_usd_feed": .string(info.feed), "multicall3": .string(info.multicall3),
            "markets": .array(markets),
        ]
        if sequencer, case .object(var object) = file {
            object["sequencer_uptime_feed"] = .string(info.sequencerFeed)
            file = .object(object)
        }
        return file
    }
}

extension LiveDevnet {
    /// A plain call from the test wallet, outside the engine's action types; mined at once.
    func sendFromTestWallet(to: String, data: [UInt8]) async throws {
        let nonce = try await rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        let tx = EIP1559Transaction(chainID: info.chainID, nonce: nonce, maxPriorityFeePerGas: 1_000_000,
                                    maxFeePerGas: 10_000_000_000, gasLimit: 300_000, to: try Address(hex: to), data: data)
        let signed = try await tx.sign(with: try Self.signer())
        _ = try await rpc.sendRawTransaction(signed.rawHex)
    }
}

extension LiveDevnet {
    /// The latest block's time: a wall clock for tests that move chain time by hand (the feed's round
    /// is refused when it is newer than the wall clock).
    func chainTime() async throws -> Date {
        let head = try await rpc.request("eth_getBlockByNumber", ["latest", false])
        return Date(timeIntervalSince1970: TimeInterval(try EVM.Hex.parseQuantity(head["timestamp"]?.stringValue ?? "")))
    }

    /// Moves chain time and `wall` on together and refreshes the ETH/USD round, so the next scan
    /// reads a fresh price.
    func advanceChainTime(seconds: Int, wall: MammonCore.ManualClock) async throws {
        wall.advance(by: TimeInterval(seconds))
        let now = Int(try await chainTime().timeIntervalSince1970)
        try await admin("evm_mine", [.integer(now + seconds)])
        let answer = try await uint(info.feed, "latestAnswer()")
        try await admin("devnet_setFeedAnswer", [.string(answer.decimalString)])
    }
}

extension LiveDevnet {
    /// 1 000 USDC in the Aave pool at a low rate, nothing else in the wallet, Moonwell paying more: a
    /// profitable Aave → Moonwell move for the binary. Returns the block and the wallet's nonce before it.
    func stageAaveToMoonwellMove() async throws -> (startBlock: UInt64, startNonce: UInt64) {
        let chain = try await chain()
        try await send(chain, .approve(.usdc, spender: .aaveV3, Self.usdc(1_000)))
        try await send(chain, .deposit(.aaveV3, .usdc, Self.usdc(1_000)))
        let rest = try await usdcBalance()
        try await sendFromTestWallet(to: info.usdc,
                                     data: try ABI.encodeCall("transfer(address,uint256)", [.address(try Address(hex: info.deployer)), .uint(rest)]))
        try await admin("devnet_setMoonwellRate", ["3170979198"])
        let block = try await blockNumber()
        let startNonce = try await rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"])
        return (block, startNonce)
    }
}
