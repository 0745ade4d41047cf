import EVM
import Foundation
import MammonCore

/// Built-in networks and network files.
///
/// A network file is JSON: `{"name", "chain_id", "rpc_urls", "usdc", "eth_usd_feed", "markets": […]}`.
/// Each market is `{"family": "aave-v3" | "compound-v2" | "compound-v3" | "erc4626" | "amm",
/// "address": "0x…", "name": "Steakhouse USDC"}` (its id is `family:name`, e.g.
/// `erc4626:steakhouse-usdc`, unless `"id"` gives one of that family; Aave V3 is always `aave-v3`
/// and may give `"pool_addresses_provider"` instead of its Pool's `"address"`), or in the first
/// format `{"protocol": "aave-v3", "pool"}`, `{"protocol": "moonwell", "m_token"}`, `{"protocol":
/// "morpho-vault", "vault"}`, `{"protocol": "aerodrome", "router"}`, which keep their original ids.
/// Adding an ERC-4626 vault over USDC is one entry: its `asset()` is checked at connect. Optional
/// `"op_stack": true` adds the L1 data fee from the OP-stack predeploy (`"gas_price_oracle": "0x…"`
/// from another address), optional `"feed_max_age_seconds"`, `"max_fee_gwei"` (the default
/// MAX_FEE_GWEI: 2 on Base's chain ids, else 100) and `"sequencer_uptime_feed"` (a Chainlink L2
/// sequencer uptime feed), the RPC client's `"rpc_timeout_seconds"`, `"rpc_max_head_lag_blocks"` and
/// `"rpc_head_check_seconds"`, and `"multicall3"` (where a scan's market reads go as one `aggregate3`;
/// without it, one `eth_call` each); other keys are ignored. A file naming the chain id of a built-in
/// network gets that network's compiled-in pins and Multicall3 (naming another is refused): a file
/// cannot turn Base mainnet into trust on first use, and a market there that is not pinned is refused.
public enum NetworkRegistry {
    public static let builtInNames = ["base", "base-sepolia"]

    /// A built-in network. Every address that receives USDC or an allowance is compiled in and
    /// comes from the protocol's own public source (README, "Live networks"); Aave's Pool is read
    /// from its PoolAddressesProvider at start and must equal the pinned Pool, as the reserve's
    /// aToken must equal the pinned aToken.
    public static func builtIn(_ name: String) throws(NetworkConfigError) -> NetworkConfig {
        func a(_ hex: String) -> Address { try! Address(hex: hex) }
        switch name {
        case "base":
            let markets = baseMarkets
            var pinned: [AddressRole: Address] = [.aaveAToken: a("0x4e65fE4DbA92790696d040ac24Aa414708F5c0AB")]
            for market in markets { if let role = market.role, let address = market.address { pinned[role] = address } }
            pinned[.aavePool] = a("0xA238Dd80C259a72e81d7e4664a9801593F98d1c5")
            let pins = AddressPins(usdc: a("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"), usdcDecimals: 6,
                                   ethUSDFeed: a("0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"), markets: pinned)
            return NetworkConfig(
                name: "base", chainID: 8453, rpcURLs: ["https://mainnet.base.org"],
                usdc: pins.usdc, ethUSDFeed: pins.ethUSDFeed, markets: markets,
                gasPriceOracle: NetworkConfig.opStackGasPriceOracle, isMainnet: true, feedMaxAgeSeconds: NetworkConfig.baseFeedMaxAgeSeconds,
                pins: pins, sequencerUptimeFeed: NetworkConfig.baseSequencerUptimeFeed, multicall3: Multicall3.canonicalAddress)
        case "base-sepolia":
            // Only Aave publishes a USDC market on Base Sepolia in the reference address books.
            let pins = AddressPins(usdc: a("0x036CbD53842c5426634e7929541eC2318f3dCF7e"), usdcDecimals: 6,
                                   ethUSDFeed: a("0x4aDC67696bA383F43DD60A9e78F2C97Fbbfc7cb1"),
                                   markets: [.aavePool: a("0xbE781D7Bdf469f3d94a62Cdcc407aCe106AEcA74"),
                                             .aaveAToken: a("0xfE45Bf4dEF7223Ab1Bf83cA17a4462Ef1647F7FF")])
            return NetworkConfig(
                name: "base-sepolia", chainID: 84532, rpcURLs: ["https://sepolia.base.org"],
                usdc: pins.usdc, ethUSDFeed: pins.ethUSDFeed,
                markets: [.aaveV3Provider(provider: a("0x150E9a8b83b731B9218a5633F1E804BC82508A46"))],
                gasPriceOracle: NetworkConfig.opStackGasPriceOracle, isMainnet: false, feedMaxAgeSeconds: 86_400, pins: pins,
                multicall3: Multicall3.canonicalAddress)
        default:
            throw .unknownNetwork(name)
        }
    }

    /// The markets of Base mainnet, each from its protocol's own public source (copied by hand from
    /// the files named; the README's market list says the same):
    static var baseMarkets: [MarketConfig] {
        func a(_ hex: String) -> Address { try! Address(hex: hex) }
        func vault(_ name: String) -> MarketID { MarketID(family: .erc4626, name: name)! }
        return [
            // bgd-labs/aave-address-book, AaveV3Base.POOL_ADDRESSES_PROVIDER (the Pool and aToken are pinned above).
            .aaveV3Provider(provider: a("0xe20fCBdBfFC4Dd138cE8b2E6FBb6CB49777ad64D")),
            // moonwell-fi/moonwell-contracts-v2 chains/8453.json, MOONWELL_USDC.
            .compoundV2(.moonwell, mToken: a("0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22")),
            // moonwell-fi/moonwell-contracts-v2 chains/8453.json, USDC_METAMORPHO_VAULT (Moonwell Flagship USDC,
            // curated by Anthias Labs / B.Protocol); kept under its first id so stored rows still name it.
            .erc4626(.morphoVault, vault: a("0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca"), name: "Moonwell Flagship USDC"),
            // compound-finance/comet deployments/base/usdc/roots.json, "comet" (cUSDCv3; configuration.json: baseToken USDC 0x8335…2913).
            .compoundV3(MarketID(family: .compoundV3, name: "usdc")!, comet: a("0xb125E6687d4313864e53df431d5425969c15Eb2F")),
            // Instadapp/fluid-contracts-public deployments/base/fToken_fUSDC.json (constructor asset 0x8335…2913).
            .erc4626(vault("fluid usdc"), vault: a("0xf42f5795D9ac7e9D757dB633D693cD548Cfd9169"), name: "Fluid USDC"),
            // morpho-org/morpho-blue-api-metadata data/vaults-listing.json, chain 8453: "The Steakhouse USDC vault …".
            .erc4626(vault("steakhouse usdc"), vault: a("0xbeeF010f9cb27031ad51e3333f9aF9C6B1228183"), name: "Steakhouse USDC"),
            // morpho-org/morpho-blue-api-metadata data/vaults-listing.json, chain 8453: "The Gauntlet USDC Prime vault …".
            .erc4626(vault("gauntlet usdc prime"), vault: a("0xeE8F4eC5672F09119b96Ab6fB59C27E1b7e44b61"), name: "Gauntlet USDC Prime"),
            // sparkdotfi/spark-address-registry src/Base.sol MORPHO_VAULT_SUSDC, listed in Morpho's vaults-listing.json too.
            .erc4626(vault("spark usdc"), vault: a("0x7BfA7C4f149E7415b73bdeDfe609237e29CBF34A"), name: "Spark USDC"),
            // aerodrome-finance/contracts script/constants/output/DeployCore-Base.json: the Router (listed only: never a target, receives nothing).
            .amm(.aerodrome, router: a("0xcF77a3Ba9A5CA399B7c97c74d54e5b1Beb874E43")),
        ]
    }

    /// The compiled-in addresses of the built-in network on `chainID`, if there is one. Applied to
    /// every network file of that chain id, whatever its name.
    public static func builtInPins(chainID: UInt64) -> AddressPins? {
        for name in builtInNames {
            if let network = try? builtIn(name), network.chainID == chainID { return network.pins }
        }
        return nil
    }

    /// Reads a network file.
    public static func load(file path: String) throws(NetworkConfigError) -> NetworkConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(Array(data)) } catch {
            throw .unreadable(path: path, reason: "not JSON: \(error)")
        }
        return try parse(json, source: path)
    }

    /// Parses a network description; errors name the entry (`markets[1]`) and key at fault.
    public static func parse(_ json: JSONValue, source: String = "network file") throws(NetworkConfigError) -> NetworkConfig {
        let entry = source
        guard json.objectValue != nil else { throw .badValue(entry: entry, key: "", value: json.serialized, reason: "not a JSON object") }
        let name = try string(json, "name", entry: entry)
        guard let chainID = json["chain_id"]?.intValue, chainID > 0 else {
            if json["chain_id"] == nil { throw .missingKey(entry: entry, key: "chain_id") }
            throw .badValue(entry: entry, key: "chain_id", value: json["chain_id"]!.serialized, reason: "not a positive integer")
        }
        var urls: [String] = []
        if let list = json["rpc_urls"] {
            guard let items = list.arrayValue else {
                throw .badValue(entry: entry, key: "rpc_urls", value: list.serialized, reason: "not an array of URLs")
            }
            for item in items {
                // The value is shown redacted: an RPC URL may carry an API key.
                guard let url = item.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw .badValue(entry: entry, key: "rpc_urls", value: item.stringValue.map(EndpointURL.redacted) ?? item.serialized,
                                    reason: "not an http(s) URL")
                }
                if UInt64(chainID) == 8453, EndpointURL.isPlainHTTP(url), !EndpointURL.isLoopback(url) {
                    throw .badValue(entry: entry, key: "rpc_urls", value: EndpointURL.redacted(url),
                                    reason: "plain http:// is refused on Base mainnet (chain 8453) except to 127.0.0.1, ::1 or localhost: use https://")
                }
                urls.append(url)
            }
        }
        let usdc = try address(json, "usdc", entry: entry)
        let feed = try address(json, "eth_usd_feed", entry: entry)
        guard let marketList = json["markets"]?.arrayValue else { throw .missingKey(entry: entry, key: "markets") }
        var markets: [MarketConfig] = []
        for (i, m) in marketList.enumerated() {
            let where_ = "\(entry): markets[\(i)]"
            let market = m["family"] != nil || m["protocol"] == nil ? try familyEntry(m, entry: where_) : try protocolEntry(m, entry: where_)
            if let j = markets.firstIndex(where: { $0.marketID == market.marketID }) {
                throw .badValue(entry: where_, key: m["id"] != nil ? "id" : "name", value: market.marketID.rawValue,
                                reason: "markets[\(j)] is already \(market.marketID.rawValue): each market needs its own id (give \"id\")")
            }
            if let address = market.address, let j = markets.firstIndex(where: { $0.address == address }) {
                throw .badValue(entry: where_, key: "address", value: address.checksummed, reason: "markets[\(j)] already names this contract")
            }
            markets.append(market)
        }
        var oracle: Address? = (json["op_stack"]?.boolValue ?? false) ? NetworkConfig.opStackGasPriceOracle : nil
        if json["gas_price_oracle"] != nil { oracle = try address(json, "gas_price_oracle", entry: entry) }
        let maxAge = json["feed_max_age_seconds"]?.intValue ?? 3600
        var maxFee: Decimal?
        if let value = json["max_fee_gwei"] {
            guard let fee = Decimal.strict(value.stringValue ?? value.serialized), fee > 0 else {
                throw .badValue(entry: entry, key: "max_fee_gwei", value: value.serialized, reason: "not a number > 0")
            }
            maxFee = fee
        }
        let sequencer = json["sequencer_uptime_feed"] == nil ? nil : try address(json, "sequencer_uptime_feed", entry: entry)
        var multicall = json["multicall3"] == nil ? nil : try address(json, "multicall3", entry: entry)
        if let pinned = builtInMulticall3(chainID: UInt64(chainID)) {
            if let named = multicall, named != pinned {
                throw .badValue(entry: entry, key: "multicall3", value: named.checksummed,
                                reason: "chain \(chainID) is a built-in network's, whose Multicall3 is \(pinned.checksummed): leave the key out or name that one")
            }
            multicall = pinned
        }
        var network = NetworkConfig(name: name, chainID: UInt64(chainID), rpcURLs: urls, usdc: usdc, ethUSDFeed: feed,
                                    markets: markets, gasPriceOracle: oracle,
                                    isMainnet: UInt64(chainID) == 8453, feedMaxAgeSeconds: UInt64(max(1, maxAge)),
                                    pins: builtInPins(chainID: UInt64(chainID)), defaultMaxFeeGwei: maxFee, sequencerUptimeFeed: sequencer,
                                    multicall3: multicall)
        network.rpcTimeoutSeconds = try seconds(json, "rpc_timeout_seconds", entry: entry, allowed: 0.1...600, text: "0.1–600")
        network.rpcHeadCheckSeconds = try seconds(json, "rpc_head_check_seconds", entry: entry, allowed: 0...3600, text: "0–3600")
        if let value = json["rpc_max_head_lag_blocks"] {
            guard let lag = value.intValue, (1...1_000_000).contains(lag) else {
                throw .badValue(entry: entry, key: "rpc_max_head_lag_blocks", value: value.serialized, reason: "not an integer 1–1000000")
            }
            network.rpcMaxHeadLagBlocks = UInt64(lag)
        }
        return network
    }

    /// An optional number of seconds within `allowed`.
    private static func seconds(_ json: JSONValue, _ key: String, entry: String,
                                allowed: ClosedRange<Double>, text: String) throws(NetworkConfigError) -> Double? {
        guard let value = json[key] else { return nil }
        guard case .number(let literal) = value, let seconds = Double(literal), allowed.contains(seconds) else {
            throw .badValue(entry: entry, key: key, value: value.serialized,
                            reason: "not a number of seconds \(text)")
        }
        return seconds
    }

    /// An entry of the first format, `{"protocol": "aave-v3" | "moonwell" | "morpho-vault" | "aerodrome", …}`:
    /// the original four markets under their original ids.
    private static func protocolEntry(_ m: JSONValue, entry: String) throws(NetworkConfigError) -> MarketConfig {
        let protocolName = try string(m, "protocol", entry: entry)
        switch protocolName {
        case "aave-v3":
            if m["pool"] == nil, m["pool_addresses_provider"] != nil {
                return .aaveV3Provider(provider: try address(m, "pool_addresses_provider", entry: entry))
            }
            return .aaveV3(pool: try address(m, "pool", entry: entry))
        case "moonwell": return .compoundV2(.moonwell, mToken: try address(m, "m_token", entry: entry))
        case "morpho-vault": return .erc4626(.morphoVault, vault: try address(m, "vault", entry: entry), name: nil)
        case "aerodrome": return .amm(.aerodrome, router: m["router"] == nil ? nil : try address(m, "router", entry: entry))
        default: throw .unknownProtocol(entry: entry, name: protocolName)
        }
    }

    /// An entry `{"family": "erc4626", "address": "0x…", "name": "Steakhouse USDC"}`: the market's id is
    /// `family:name` (`erc4626:steakhouse-usdc`) unless `"id"` names one of that family (`"morpho-vault"`
    /// keeps a vault under the original id). Aave V3 is one reserve per network, always `aave-v3`; its
    /// `"address"` is the Pool, or `"pool_addresses_provider"` names the registry the Pool is read from.
    private static func familyEntry(_ m: JSONValue, entry: String) throws(NetworkConfigError) -> MarketConfig {
        let familyName = try string(m, "family", entry: entry)
        guard let family = MarketFamily(rawValue: familyName) else { throw .unknownFamily(entry: entry, name: familyName) }
        let name = m["name"] == nil ? nil : try string(m, "name", entry: entry)
        var id: MarketID?
        if m["id"] != nil {
            let text = try string(m, "id", entry: entry)
            guard let parsed = MarketID(rawValue: text) ?? MarketID(name: text), parsed.family == family else {
                throw .badValue(entry: entry, key: "id", value: text, reason: "not a market id of the \(family.rawValue) family")
            }
            id = parsed
        } else if let name, family != .aaveV3 {
            guard let derived = MarketID(family: family, name: name) else {
                throw .badValue(entry: entry, key: "name", value: name,
                                reason: "makes no market id (letters, digits, spaces, - and ., at most 64 characters with the family): give \"id\"")
            }
            id = derived
        }
        switch family {
        case .aaveV3:
            if let id, id != .aaveV3 {
                throw .badValue(entry: entry, key: "id", value: id.rawValue, reason: "Aave V3 is one reserve per network, always aave-v3")
            }
            if m["address"] == nil, m["pool_addresses_provider"] != nil {
                return .aaveV3Provider(provider: try address(m, "pool_addresses_provider", entry: entry))
            }
            return .aaveV3(pool: try address(m, "address", entry: entry))
        case .amm:
            guard let id else { throw .missingKey(entry: entry, key: "name") }
            return .amm(id, router: m["address"] == nil ? nil : try address(m, "address", entry: entry))
        case .compoundV2, .compoundV3, .erc4626:
            guard let id else { throw .missingKey(entry: entry, key: "name") }
            let contract = try address(m, "address", entry: entry)
            switch family {
            case .compoundV2: return .compoundV2(id, mToken: contract)
            case .compoundV3: return .compoundV3(id, comet: contract)
            default: return .erc4626(id, vault: contract, name: name)
            }
        }
    }

    /// The compiled-in Multicall3 of the built-in network on `chainID`, if there is one.
    public static func builtInMulticall3(chainID: UInt64) -> Address? {
        for name in builtInNames {
            if let network = try? builtIn(name), network.chainID == chainID { return network.multicall3 }
        }
        return nil
    }

    private static func string(_ json: JSONValue, _ key: String, entry: String) throws(NetworkConfigError) -> String {
        guard let value = json[key] else { throw .missingKey(entry: entry, key: key) }
        guard let text = value.stringValue, !text.isEmpty else {
            throw .badValue(entry: entry, key: key, value: value.serialized, reason: "not a non-empty string")
        }
        return text
    }

    private static func address(_ json: JSONValue, _ key: String, entry: String) throws(NetworkConfigError) -> Address {
        let text = try string(json, key, entry: entry)
        do { return try Address(hex: text) } catch {
            throw .badValue(entry: entry, key: key, value: text, reason: "not an address (\(error))")
        }
    }
}
