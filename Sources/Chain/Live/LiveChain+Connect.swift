import EVM
import Foundation
import MammonCore

extension LiveChain {
    /// Connects to a network: refuses plain http to another machine on Base mainnet, checks every
    /// reachable endpoint's chain id (refusing to sign on a mismatch; one down now is checked when it
    /// first comes up), then resolves the markets (Pool, aToken, underlying checks) and the feed's
    /// decimals in one batch. On a pinned (built-in) network every address that will receive funds
    /// must be the compiled-in one, whatever the node says.
    /// With `fence`, the signer is the operator of a fenced treasury: the Safe's funds are read and moved,
    /// every call goes through its Roles module (`TransactionRoute`).
    public static func connect(network: NetworkConfig, signer: any Signer, fence: TreasuryFence? = nil, options: LiveChainOptions = LiveChainOptions(),
                               transport: TransportOptions = TransportOptions(), policy: EndpointPolicy = EndpointPolicy(),
                               clock: any RPCClock = SystemRPCClock()) async throws -> LiveChain {
        try await connect(network: network, wallet: signer.address, signer: signer, fence: fence, options: options, transport: transport,
                          policy: policy, clock: clock)
    }

    /// The same checks and reads for an address without its key: a chain that reads and simulates but
    /// holds no signer, so no call on it can sign or send (`mammon markets`, shadow mode).
    /// With `fence`, `wallet` is the operator whose calls through the Roles module are simulated.
    public static func connect(network: NetworkConfig, watching wallet: Address, fence: TreasuryFence? = nil,
                               options: LiveChainOptions = LiveChainOptions(),
                               transport: TransportOptions = TransportOptions(), policy: EndpointPolicy = EndpointPolicy(),
                               clock: any RPCClock = SystemRPCClock()) async throws -> LiveChain {
        try await connect(network: network, wallet: wallet, signer: nil, fence: fence, options: options, transport: transport, policy: policy,
                          clock: clock)
    }

    private static func connect(network: NetworkConfig, wallet: Address, signer: (any Signer)?, fence: TreasuryFence?, options: LiveChainOptions,
                                transport: TransportOptions, policy: EndpointPolicy, clock: any RPCClock) async throws -> LiveChain {
        guard !network.rpcURLs.isEmpty else { throw LiveChainError.misconfigured("network '\(network.name)' has no RPC URL: pass --rpc-url") }
        // The network file's RPC tuning, where it sets any.
        var transport = transport, policy = policy
        if let timeout = network.rpcTimeoutSeconds {
            transport.totalTimeout = timeout
            transport.connectTimeout = min(transport.connectTimeout, timeout)
        }
        if let lag = network.rpcMaxHeadLagBlocks { policy.maxHeadLag = lag }
        if let interval = network.rpcHeadCheckSeconds { policy.headCheckInterval = interval }
        if let url = network.insecureRPCURL { throw LiveChainError.insecureEndpoint(url: url, chainID: network.chainID) }
        if let pins = network.pins {
            try pins.check(.usdc, network.usdc, source: "the network's configuration", network: network.name)
            try pins.check(.ethUSDFeed, network.ethUSDFeed, source: "the network's configuration", network: network.name)
        }
        var reachable = 0
        var verified = Set<String>()
        var lastFailure: RPCError?
        for url in network.rpcURLs {
            // The normal retry policy: a transient 500, 429 or dropped connection at start-up is retried
            // with backoff, not fatal.
            let probe = try JSONRPCClient(urls: [url], options: transport, policy: policy, clock: clock)
            do {
                let id = try await probe.chainID()
                guard id == network.chainID else {
                    throw LiveChainError.chainIDMismatch(network: network.name, expected: network.chainID, node: id, url: url)
                }
                reachable += 1
                verified.insert(url)
            } catch let error as RPCError {
                lastFailure = error  // unreachable now: checked by the client before it first serves a call
            }
        }
        if reachable == 0, let lastFailure { throw LiveChainError.rpc(lastFailure) }
        let rpc = try JSONRPCClient(urls: network.rpcURLs, options: transport, policy: policy, clock: clock,
                                    chainID: network.chainID, verifiedURLs: verified)
        // An endpoint set aside as stale, back in use, or refused: the operator hears of it.
        await rpc.observeEndpointChanges { [notice = options.notice] in notice($0) }
        let client = EthClient(rpc: rpc, clock: clock, batching: options.batchRequests)

        var network = network
        network.markets = try await resolveProviders(network.markets, client: client, pins: network.pins, network: network.name)
        if let pins = network.pins { try checkConfiguredMarkets(network.markets, pins: pins, network: network.name) }
        let resolution = network.markets.map { MarketAdapters.resolutionCalls($0, usdc: network.usdc) }
        let calls = resolution.flatMap { $0 } + [
            PriceFeed.decimalsCall(network.ethUSDFeed),
            ContractCall(to: network.usdc, "decimals()", label: "USDC decimals"),
        ]
        let (answers, _) = try await client.batch(calls)
        let feedDecimals = try UInt256.word(0, of: answers[answers.count - 2], call: "ETH/USD decimals")
        let usdcDecimals = try UInt256.word(0, of: answers[answers.count - 1], call: "USDC decimals")
        guard let fd = feedDecimals.uint64Value, fd <= 36, let ud = usdcDecimals.uint64Value, ud <= 36 else {
            throw LiveChainError.outOfRange(call: "decimals()", value: "feed \(feedDecimals.decimalString), USDC \(usdcDecimals.decimalString)",
                                            limit: "at most 36")
        }
        if let pins = network.pins, ud != UInt64(pins.usdcDecimals) {
            throw LiveChainError.outOfRange(call: "USDC \(network.usdc.checksummed) decimals()", value: String(ud),
                                            limit: "the pinned token has \(pins.usdcDecimals)")
        }
        var adapters: [any MarketAdapter] = []
        var next = 0
        for (config, reads) in zip(network.markets, resolution) {
            let answer = Array(answers[next..<next + reads.count])
            next += reads.count
            let adapter: (any MarketAdapter)?
            do { adapter = try MarketAdapters.make(config, resolution: answer, usdc: network.usdc, decimals: UInt8(ud)) } catch {
                throw await named(error, client: client)
            }
            if let adapter { adapters.append(adapter) }
        }
        // Derived addresses (the aToken) are what the node says: on a pinned network they must be the pins.
        if let pins = network.pins {
            for a in adapters { for r in a.roles { try pins.check(r.role, r.address, source: r.source, network: network.name) } }
        }
        let feed = PriceFeed(address: network.ethUSDFeed, decimals: UInt8(fd), maxAgeSeconds: network.feedMaxAgeSeconds,
                             minUSD: options.ethUSDMin, maxUSD: options.ethUSDMax)
        return LiveChain(network: network, client: client, wallet: wallet, signer: signer, decimals: UInt8(ud), adapters: adapters, feed: feed,
                         options: options, fence: fence)
    }

    /// Aave Pools named by their PoolAddressesProvider, read with `getPool()` (one batch, only when any).
    /// On a pinned network the answer must be the pinned Pool before anything else is read from it.
    static func resolveProviders(_ markets: [MarketConfig], client: EthClient, pins: AddressPins? = nil,
                                 network: String = "") async throws(LiveChainError) -> [MarketConfig] {
        let providers = markets.compactMap { if case .aaveV3Provider(let p) = $0 { p } else { nil } }
        guard !providers.isEmpty else { return markets }
        let (answers, _) = try await client.batch(providers.map { ContractCall(to: $0, "getPool()", label: "Aave PoolAddressesProvider getPool") })
        var pools: [Address: Address] = [:]
        for (provider, answer) in zip(providers, answers) {
            let pool = try UInt256.address(0, of: answer, call: "Aave PoolAddressesProvider getPool")
            guard pool != .zero else { throw .misconfigured("Aave PoolAddressesProvider \(provider.checksummed) has no Pool") }
            try pins?.check(.aavePool, pool, source: "Aave PoolAddressesProvider \(provider.checksummed) getPool() through the node", network: network)
            pools[provider] = pool
        }
        return markets.map { if case .aaveV3Provider(let p) = $0 { .aaveV3(pool: pools[p]!) } else { $0 } }
    }

    /// The markets' own addresses (after `getPool()`) against the pins, before any of them is read.
    static func checkConfiguredMarkets(_ markets: [MarketConfig], pins: AddressPins, network: String) throws(LiveChainError) {
        for market in markets {
            // A provider was resolved above; an AMM is listed only and never sent funds.
            guard let role = market.role, let address = market.address else { continue }
            try pins.check(role, address, source: "the network's configuration", network: network)
        }
    }

    /// A market refused for holding another token than USDC, with that token named by its `symbol()`
    /// when the table of known tokens does not name it (best effort: the refusal stands either way).
    static func named(_ error: LiveChainError, client: EthClient) async -> LiveChainError {
        guard case .wrongAsset(let market, let verb, let asset, nil, let usdc) = error,
              let answer = try? await client.call(ContractCall(to: asset, "symbol()", label: "token symbol")) else { return error }
        return .wrongAsset(market: market, verb: verb, asset: asset, name: MarketAsset.symbolName(answer), usdc: usdc)
    }
}
