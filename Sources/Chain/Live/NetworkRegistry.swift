import EVM
import Foundation
import MammonCore

/// Built-in networks and network files.
///
/// A network file is JSON: `{"name", "chain_id", "rpc_urls", "usdc", "eth_usd_feed", "markets":
/// [{"protocol": "aave-v3", "pool"}, {"protocol": "moonwell", "m_token"}, {"protocol":
/// "morpho-vault", "vault"}]}`; optional `"op_stack": true` adds the L1 data fee from the OP-stack
/// predeploy (`"gas_price_oracle": "0x…"` from another address), optional `"feed_max_age_seconds"`,
/// `"max_fee_gwei"` (the default MAX_FEE_GWEI: 2 on Base's chain ids, else 100) and
/// `"sequencer_uptime_feed"` (a Chainlink L2 sequencer uptime feed) and `"multicall3"` (where a scan's
/// market reads go as one `aggregate3`; without it, one `eth_call` each); other keys are ignored. A
/// file naming the chain id of a built-in network gets that network's compiled-in pins and Multicall3
/// (naming another is refused): a file cannot turn Base mainnet into trust on first use.
public enum NetworkRegistry {
    public static let builtInNames = ["base", "base-sepolia"]

    /// A built-in network. Addresses from ../shared/reference/chain-facts.md (Aave address book,
    /// Moonwell's utils/8453.json, Chainlink). Aave's Pool is read from its PoolAddressesProvider at
    /// start and must equal the pinned Pool, as the reserve's aToken must equal the pinned aToken:
    /// every address that receives USDC or an allowance is compiled in (README, "Live networks").
    public static func builtIn(_ name: String) throws(NetworkConfigError) -> NetworkConfig {
        func a(_ hex: String) -> Address { try! Address(hex: hex) }
        switch name {
        case "base":
            let pins = AddressPins(usdc: a("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"), usdcDecimals: 6,
                                   ethUSDFeed: a("0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"),
                                   aavePool: a("0xA238Dd80C259a72e81d7e4664a9801593F98d1c5"),
                                   aaveAToken: a("0x4e65fE4DbA92790696d040ac24Aa414708F5c0AB"),
                                   moonwellMToken: a("0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22"),
                                   morphoVault: a("0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca"))
            return NetworkConfig(
                name: "base", chainID: 8453, rpcURLs: ["https://mainnet.base.org"],
                usdc: pins.usdc, ethUSDFeed: pins.ethUSDFeed,
                markets: [
                    .aaveV3Provider(provider: a("0xe20fCBdBfFC4Dd138cE8b2E6FBb6CB49777ad64D")),
                    .moonwell(mToken: pins.moonwellMToken!),
                    .morphoVault(vault: pins.morphoVault!),
                    .aerodrome(router: a("0xcF77a3Ba9A5CA399B7c97c74d54e5b1Beb874E43")),
                ],
                gasPriceOracle: NetworkConfig.opStackGasPriceOracle, isMainnet: true, feedMaxAgeSeconds: NetworkConfig.baseFeedMaxAgeSeconds,
                pins: pins, sequencerUptimeFeed: NetworkConfig.baseSequencerUptimeFeed, multicall3: Multicall3.canonicalAddress)
        case "base-sepolia":
            // Only Aave publishes a USDC market on Base Sepolia in the reference address books.
            let pins = AddressPins(usdc: a("0x036CbD53842c5426634e7929541eC2318f3dCF7e"), usdcDecimals: 6,
                                   ethUSDFeed: a("0x4aDC67696bA383F43DD60A9e78F2C97Fbbfc7cb1"),
                                   aavePool: a("0xbE781D7Bdf469f3d94a62Cdcc407aCe106AEcA74"),
                                   aaveAToken: a("0xfE45Bf4dEF7223Ab1Bf83cA17a4462Ef1647F7FF"))
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
            let protocolName = try string(m, "protocol", entry: where_)
            switch protocolName {
            case "aave-v3":
                if m["pool"] == nil, m["pool_addresses_provider"] != nil {
                    markets.append(.aaveV3Provider(provider: try address(m, "pool_addresses_provider", entry: where_)))
                } else {
                    markets.append(.aaveV3(pool: try address(m, "pool", entry: where_)))
                }
            case "moonwell": markets.append(.moonwell(mToken: try address(m, "m_token", entry: where_)))
            case "morpho-vault": markets.append(.morphoVault(vault: try address(m, "vault", entry: where_)))
            case "aerodrome": markets.append(.aerodrome(router: m["router"] == nil ? nil : try address(m, "router", entry: where_)))
            default: throw .unknownProtocol(entry: where_, name: protocolName)
            }
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
        return NetworkConfig(name: name, chainID: UInt64(chainID), rpcURLs: urls, usdc: usdc, ethUSDFeed: feed,
                             markets: markets, gasPriceOracle: oracle,
                             isMainnet: UInt64(chainID) == 8453, feedMaxAgeSeconds: UInt64(max(1, maxAge)),
                             pins: builtInPins(chainID: UInt64(chainID)), defaultMaxFeeGwei: maxFee, sequencerUptimeFeed: sequencer,
                             multicall3: multicall)
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
