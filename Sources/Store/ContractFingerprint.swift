/// The contracts a database's network names: its USDC and its markets' own addresses (a pool or its
/// provider, an mToken, a vault). Two network files of one chain id (mainnet and a fork claiming
/// 8453, or two deployments on a devnet) differ here, and each keeps its own database.
///
/// Stored as text, `usdc=0x…;markets=0x…,0x…` (lower case, markets sorted).
public struct ContractFingerprint: Sendable, Hashable, CustomStringConvertible {
    public var usdc: String
    public var markets: [String]

    public init(usdc: String, markets: [String]) {
        self.usdc = usdc.lowercased()
        self.markets = Set(markets.map { $0.lowercased() }).sorted()
    }

    public init?(text: String) {
        let fields = Dictionary(text.split(separator: ";").compactMap { field -> (String, String)? in
            let kv = field.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        guard let usdc = fields["usdc"], !usdc.isEmpty else { return nil }
        self.init(usdc: usdc, markets: (fields["markets"] ?? "").split(separator: ",").map(String.init))
    }

    public var text: String { "usdc=\(usdc);markets=\(markets.joined(separator: ","))" }

    public var description: String { "USDC \(usdc), markets \(markets.isEmpty ? "none" : markets.joined(separator: ", "))" }

    /// The same USDC, and at least one market in common when both list markets: an operator may add
    /// or drop a market in the network file, but a network whose USDC or every market differs is
    /// another deployment.
    func matches(_ other: ContractFingerprint) -> Bool {
        guard usdc == other.usdc else { return false }
        if markets.isEmpty || other.markets.isEmpty { return true }
        return !Set(markets).isDisjoint(with: other.markets)
    }
}
