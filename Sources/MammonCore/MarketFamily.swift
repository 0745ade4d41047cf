/// The kinds of market the engine can reach: each answers one set of calls (reads, deposit,
/// withdraw), costs about the same gas, and is granted the same permissions in a fenced treasury.
public enum MarketFamily: String, Sendable, Hashable, CaseIterable, Codable {
    /// Aave V3's Pool (`supply` / `withdraw`, an aToken that grows).
    case aaveV3 = "aave-v3"
    /// Compound V2 and its forks: Moonwell's mTokens (`mint` / `redeem`, an exchange rate).
    case compoundV2 = "compound-v2"
    /// Compound V3's Comet (`supply` / `withdraw`, a balance that grows, a per-second supply rate).
    case compoundV3 = "compound-v3"
    /// Any ERC-4626 vault over the token: MetaMorpho, Fluid's fTokens, Euler's vaults.
    case erc4626
    /// A two-token AMM pool (Aerodrome): listed for the operator, never a target.
    case amm

    public var displayName: String {
        switch self {
        case .aaveV3: "Aave V3"
        case .compoundV2: "Compound V2"
        case .compoundV3: "Compound V3"
        case .erc4626: "ERC-4626 vault"
        case .amm: "AMM"
        }
    }

    /// Whether single-asset deposits earn the quoted rate. An AMM is a two-token pool: putting USDC
    /// there means an LP position with impermanent loss and a swap, not a supply.
    public var acceptsSingleAssetDeposits: Bool { self != .amm }

    public func notMovableReason(_ market: String) -> String? {
        acceptsSingleAssetDeposits ? nil : "\(market) is an AMM (two-token LP with impermanent loss), not a lending market"
    }
}
