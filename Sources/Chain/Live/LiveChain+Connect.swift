import EVM
import Foundation
import MammonCore

extension LiveChain {
    /// Connects to a network: checks every reachable endpoint's chain id (refusing to sign on a
    /// mismatch), then resolves the markets (aToken, underlying checks) and the feed's decimals in one batch.
    public static func connect(network: NetworkConfig, signer: any Signer, options: LiveChainOptions = LiveChainOptions(),
                               transport: TransportOptions = TransportOptions(), policy: EndpointPolicy = EndpointPolicy(),
                               clock: any RPCClock = SystemRPCClock()) async throws -> LiveChain {
        guard !network.rpcURLs.isEmpty else { throw LiveChainError.misconfigured("network '\(network.name)' has no RPC URL: pass --rpc-url") }
        var reachable = 0
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
            } catch let error as RPCError {
                lastFailure = error  // unreachable now; failover will skip it while it is unhealthy
            }
        }
        if reachable == 0, let lastFailure { throw LiveChainError.rpc(lastFailure) }
        let client = EthClient(rpc: try JSONRPCClient(urls: network.rpcURLs, options: transport, policy: policy, clock: clock), clock: clock,
                               batching: options.batchRequests)

        var network = network
        network.markets = try await resolveProviders(network.markets, client: client)
        let resolution = network.markets.map { MarketAdapters.resolutionCall($0, usdc: network.usdc) }
        let calls = resolution.compactMap { $0 } + [
            PriceFeed.decimalsCall(network.ethUSDFeed),
            ContractCall(to: network.usdc, "decimals()", label: "USDC decimals"),
        ]
        let (answers, _) = try await client.batch(calls)
        let feedDecimals = try UInt256.word(0, of: answers[answers.count - 2], call: "ETH/USD decimals")
        let usdcDecimals = try UInt256.word(0, of: answers[answers.count - 1], call: "USDC decimals")
        guard let fd = feedDecimals.uint64Value, fd <= 36, let ud = usdcDecimals.uint64Value, ud <= 36 else {
            throw LiveChainError.badResult(call: "decimals", detail: "feed \(feedDecimals), USDC \(usdcDecimals)")
        }
        var adapters: [any MarketAdapter] = []
        var next = 0
        for (config, call) in zip(network.markets, resolution) {
            var answer: [UInt8]?
            if call != nil { answer = answers[next]; next += 1 }
            if let a = try MarketAdapters.make(config, resolution: answer, usdc: network.usdc, decimals: UInt8(ud)) { adapters.append(a) }
        }
        let feed = PriceFeed(address: network.ethUSDFeed, decimals: UInt8(fd), maxAgeSeconds: network.feedMaxAgeSeconds)
        return LiveChain(network: network, client: client, signer: signer, adapters: adapters, feed: feed, options: options)
    }

    /// Aave Pools named by their PoolAddressesProvider, read with `getPool()` (one batch, only when any).
    static func resolveProviders(_ markets: [MarketConfig], client: EthClient) async throws(LiveChainError) -> [MarketConfig] {
        let providers = markets.compactMap { if case .aaveV3Provider(let p) = $0 { p } else { nil } }
        guard !providers.isEmpty else { return markets }
        let (answers, _) = try await client.batch(providers.map { ContractCall(to: $0, "getPool()", label: "Aave PoolAddressesProvider getPool") })
        var pools: [Address: Address] = [:]
        for (provider, answer) in zip(providers, answers) {
            let pool = try UInt256.address(0, of: answer, call: "Aave PoolAddressesProvider getPool")
            guard pool != .zero else { throw .misconfigured("Aave PoolAddressesProvider \(provider.checksummed) has no Pool") }
            pools[provider] = pool
        }
        return markets.map { if case .aaveV3Provider(let p) = $0 { .aaveV3(pool: pools[p]!) } else { $0 } }
    }
}
