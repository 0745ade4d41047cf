import EVM
import Foundation
import MammonCore

/// Built-in networks and network files.
///
/// A network file is JSON: `{"name", "chain_id", "rpc_urls", "usdc", "eth_usd_feed", "markets":
/// [{"protocol": "aave-v3", "pool"}, {"protocol": "moonwell", "m_token"}, {"protocol":
/// "morpho-vault", "vault"}]}`; optional `"op_stack": true` adds the L1 data fee from the OP-stack
/// predeploy (`"gas_price_oracle": "0x…"` from another address), optional `"feed_max_age_seconds"`;
/// other keys are ignored.
public enum NetworkRegistry {
    public static let builtInNames = ["base", "base-sepolia"]

    /// A built-in network. Addresses from ../shared/reference/chain-facts.md (Aave address book,
    /// Moonwell's utils/8453.json, Chainlink). Aave's Pool is resolved from its PoolAddressesProvider
    /// at start (Base: Pool 0xA238…d1c5 at the time of the reference).
    public static func builtIn(_ name: String) throws(NetworkConfigError) -> NetworkConfig {
        func a(_ hex: String) -> Address { try! Address(hex: hex) }
        switch name {
        case "base":
            return NetworkConfig(
                name: "base", chainID: 8453, rpcURLs: ["https://mainnet.base.org"],
                usdc: a("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
                ethUSDFeed: a("0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"),
                markets: [
                    .aaveV3Provider(provider: a("0xe20fCBdBfFC4Dd138cE8b2E6FBb6CB49777ad64D")),
                    .moonwell(mToken: a("0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22")),
                    .morphoVault(vault: a("0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca")),
                    .aerodrome(router: a("0xcF77a3Ba9A5CA399B7c97c74d54e5b1Beb874E43")),
                ],
                gasPriceOracle: NetworkConfig.opStackGasPriceOracle, isMainnet: true, feedMaxAgeSeconds: 3600)
        case "base-sepolia":
            // Only Aave publishes a USDC market on Base Sepolia in the reference address books.
            return NetworkConfig(
                name: "base-sepolia", chainID: 84532, rpcURLs: ["https://sepolia.base.org"],
                usdc: a("0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
                ethUSDFeed: a("0x4aDC67696bA383F43DD60A9e78F2C97Fbbfc7cb1"),
                markets: [.aaveV3Provider(provider: a("0x150E9a8b83b731B9218a5633F1E804BC82508A46"))],
                gasPriceOracle: NetworkConfig.opStackGasPriceOracle, isMainnet: false, feedMaxAgeSeconds: 86_400)
        default:
            throw .unknownNetwork(name)
        }
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
                guard let url = item.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw .badValue(entry: entry, key: "rpc_urls", value: item.serialized, reason: "not an http(s) URL")
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
        return NetworkConfig(name: name, chainID: UInt64(chainID), rpcURLs: urls, usdc: usdc, ethUSDFeed: feed,
                             markets: markets, gasPriceOracle: oracle,
                             isMainnet: UInt64(chainID) == 8453, feedMaxAgeSeconds: UInt64(max(1, maxAge)))
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
