import EVM
import Foundation
import MammonCore

/// One market of a network, as named in the registry or a network file: its family, its identity
/// and its own address. Several markets of one family may exist (three MetaMorpho vaults, a Fluid
/// fToken); Aave V3 is one reserve per network. Derived addresses (the aToken, the rate strategy,
/// the mToken's rate model) are read from the contracts at connect.
public enum MarketConfig: Sendable, Hashable {
    case aaveV3(pool: Address)
    /// Aave's PoolAddressesProvider: the Pool is read from `getPool()` at start (the address book
    /// advises this over a hard-coded Pool, which governance can move).
    case aaveV3Provider(provider: Address)
    /// A Compound V2-style market (Moonwell's mTokens; the original one is `.moonwell`).
    case compoundV2(MarketID, mToken: Address)
    /// A Compound V3 Comet whose base asset is the network's USDC.
    case compoundV3(MarketID, comet: Address)
    /// Any ERC-4626 vault over the network's USDC (MetaMorpho, Fluid, Euler); `name` is how people
    /// call it ("Steakhouse USDC"). The original MetaMorpho vault is `.morphoVault`.
    case erc4626(MarketID, vault: Address, name: String?)
    /// Listed for the operator; never a target (an AMM, not a lending market).
    case amm(MarketID, router: Address?)

    public var marketID: MarketID {
        switch self {
        case .aaveV3, .aaveV3Provider: .aaveV3
        case .compoundV2(let id, _), .compoundV3(let id, _), .erc4626(let id, _, _), .amm(let id, _): id
        }
    }

    /// The address the configuration names for the market (a provider stands for its Pool until resolved).
    public var address: Address? {
        switch self {
        case .aaveV3(let a), .aaveV3Provider(let a), .compoundV2(_, let a), .compoundV3(_, let a), .erc4626(_, let a, _): a
        case .amm(_, let router): router
        }
    }

    /// Whether the engine may ever move funds there (an AMM is listed only).
    public var isListedOnly: Bool { !marketID.acceptsSingleAssetDeposits }

    /// The role under which the market's own address is pinned or recorded (`aave-v3.pool`,
    /// `moonwell.mtoken`, `compound-v3:usdc.comet`, `erc4626:steakhouse-usdc.vault`); nil for a
    /// provider (its Pool is checked once read) and for listed-only markets, which receive nothing.
    public var role: AddressRole? {
        switch self {
        case .aaveV3: .market(.aaveV3, "pool")
        case .compoundV2(let id, _): .market(id, "mtoken")
        case .compoundV3(let id, _): .market(id, "comet")
        case .erc4626(let id, _, _): .market(id, "vault")
        case .aaveV3Provider, .amm: nil
        }
    }
}

/// Everything the live chain needs to know about a network. Printed, its RPC URLs are redacted.
public struct NetworkConfig: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var chainID: UInt64
    public var rpcURLs: [String]
    public var usdc: Address
    public var ethUSDFeed: Address
    public var markets: [MarketConfig]
    /// OP-stack networks charge an L1 data fee, read from the GasPriceOracle predeploy.
    public var gasPriceOracle: Address?
    /// Real money: must be named explicitly and defaults to manual approval.
    public var isMainnet: Bool
    /// Oldest acceptable ETH/USD round, in seconds.
    public var feedMaxAgeSeconds: UInt64
    /// MAX_FEE_GWEI when the operator sets none: sized to the network's real fees, so a node that
    /// lies about them cannot make a step pay thousands of times the going rate.
    public var defaultMaxFeeGwei: Decimal
    /// Chainlink's L2 sequencer uptime feed: while it reports the sequencer down (or up for less
    /// than the grace period) prices are not trusted and nothing is signed. nil: no such feed.
    public var sequencerUptimeFeed: Address?
    /// Compiled-in addresses (built-in networks, and network files naming a built-in network's chain
    /// id): what the configuration and the node report must match them at connect. nil for other
    /// network files, whose addresses the engine records on first start instead.
    public var pins: AddressPins?
    /// From a network file, for its endpoints (nil: the client's defaults): seconds one RPC request may
    /// take (`rpc_timeout_seconds`, default 30), the head lag that makes an endpoint stale
    /// (`rpc_max_head_lag_blocks`, default 20: size it to the chain's block time) and the seconds
    /// between head checks when there are several endpoints (`rpc_head_check_seconds`, default 15).
    public var rpcTimeoutSeconds: Double?
    public var rpcMaxHeadLagBlocks: UInt64?
    public var rpcHeadCheckSeconds: Double?
    /// Multicall3, through which a scan reads every market in one `eth_call` (`aggregate3`). nil: the
    /// markets are read with one `eth_call` each (still in the scan's one JSON-RPC batch).
    public var multicall3: Address?

    public init(name: String, chainID: UInt64, rpcURLs: [String], usdc: Address, ethUSDFeed: Address,
                markets: [MarketConfig], gasPriceOracle: Address? = nil, isMainnet: Bool = false,
                feedMaxAgeSeconds: UInt64 = 3600, pins: AddressPins? = nil, defaultMaxFeeGwei: Decimal? = nil,
                sequencerUptimeFeed: Address? = nil, multicall3: Address? = nil) {
        self.multicall3 = multicall3
        self.name = name
        self.chainID = chainID
        self.rpcURLs = rpcURLs
        self.usdc = usdc
        self.ethUSDFeed = ethUSDFeed
        self.markets = markets
        self.gasPriceOracle = gasPriceOracle
        self.isMainnet = isMainnet
        self.feedMaxAgeSeconds = feedMaxAgeSeconds
        self.pins = pins
        self.defaultMaxFeeGwei = defaultMaxFeeGwei ?? Self.defaultMaxFeeGwei(chainID: chainID)
        self.sequencerUptimeFeed = sequencerUptimeFeed
    }

    /// Base (mainnet and Sepolia) pays a base fee of about 0.005–0.05 gwei: 2 gwei is 40–400 times
    /// that, room for a spike, and a fiftieth of the generic 100 gwei. Other chains keep 100.
    public static func defaultMaxFeeGwei(chainID: UInt64) -> Decimal {
        chainID == 8453 || chainID == 84532 ? 2 : 100
    }

    /// Chainlink's ETH/USD heartbeat on Base is 1200 s; a round may take a minute to land after it.
    public static let baseFeedMaxAgeSeconds: UInt64 = 1260

    /// Whether plain `http://` is refused for this network: on Base mainnet a node anywhere on the
    /// path could rewrite answers, so only this machine (127.0.0.0/8, ::1, localhost) may be reached
    /// without TLS.
    public var requiresTLS: Bool { isMainnet || chainID == 8453 }

    /// The first RPC URL this network must not use (plain http to another machine), if any.
    public var insecureRPCURL: String? {
        guard requiresTLS else { return nil }
        return rpcURLs.first { EndpointURL.isPlainHTTP($0) && !EndpointURL.isLoopback($0) }
    }

    public var description: String {
        "network '\(name)' (chain \(chainID), RPC \(rpcURLs.map(EndpointURL.redacted).joined(separator: ", ")), \(markets.count) market(s)\(pins == nil ? "" : ", pinned"))"
    }

    /// Manual on real money, automatic elsewhere (devnets, forks, testnets).
    public var defaultApprovalMode: ApprovalMode { isMainnet ? .manual : .auto }

    /// The OP-stack GasPriceOracle predeploy (the same address on every OP-stack chain).
    public static let opStackGasPriceOracle = try! Address(hex: "0x420000000000000000000000000000000000000F")
    /// Chainlink's L2 sequencer uptime feed on Base mainnet.
    public static let baseSequencerUptimeFeed = try! Address(hex: "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433")
}

/// Why a network description cannot be used. Each names the entry at fault.
public enum NetworkConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownNetwork(String)
    case unreadable(path: String, reason: String)
    case missingKey(entry: String, key: String)
    case badValue(entry: String, key: String, value: String, reason: String)
    case unknownProtocol(entry: String, name: String)
    case unknownFamily(entry: String, name: String)

    public var description: String {
        switch self {
        case .unknownNetwork(let name):
            return "unknown network '\(name)': built in are \(NetworkRegistry.builtInNames.joined(separator: ", ")); describe others with --network-file"
        case .unreadable(let path, let reason): return "network file \(path): \(reason)"
        case .missingKey(let entry, let key): return "\(entry): missing \"\(key)\""
        case .badValue(let entry, let key, let value, let reason): return "\(entry): \"\(key)\" = \(value.prefix(80)): \(reason)"
        case .unknownProtocol(let entry, let name):
            return "\(entry): unknown protocol '\(name)' (known: aave-v3, moonwell, morpho-vault, aerodrome; or give \"family\")"
        case .unknownFamily(let entry, let name):
            return "\(entry): unknown family '\(name)' (known: \(MarketFamily.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
