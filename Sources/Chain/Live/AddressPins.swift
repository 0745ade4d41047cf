import EVM

/// What an address is for, by a name that stays the same across releases (the engine stores
/// them with the address it first saw, and refuses a later change).
public enum AddressRole: String, Sendable, Hashable, CaseIterable {
    case usdc
    case ethUSDFeed = "eth-usd-feed"
    case aavePool = "aave-v3.pool"
    case aaveAToken = "aave-v3.atoken"
    case moonwellMToken = "moonwell.mtoken"
    case morphoVault = "morpho-vault.vault"
}

/// The addresses compiled into a built-in network: every contract that receives USDC or an
/// allowance, and the feed that prices gas. At connect, what the node reports (the Pool from
/// Aave's registry, the reserve's aToken, each market's underlying) must match them, or nothing
/// is signed: a lying endpoint answering with its own contract would otherwise receive every
/// approval and deposit.
public struct AddressPins: Sendable, Hashable {
    public var usdc: Address
    /// USDC's `decimals()`, which sizes every amount.
    public var usdcDecimals: UInt8
    public var ethUSDFeed: Address
    public var aavePool: Address?
    public var aaveAToken: Address?
    public var moonwellMToken: Address?
    public var morphoVault: Address?

    public init(usdc: Address, usdcDecimals: UInt8, ethUSDFeed: Address, aavePool: Address? = nil, aaveAToken: Address? = nil,
                moonwellMToken: Address? = nil, morphoVault: Address? = nil) {
        self.usdc = usdc
        self.usdcDecimals = usdcDecimals
        self.ethUSDFeed = ethUSDFeed
        self.aavePool = aavePool
        self.aaveAToken = aaveAToken
        self.moonwellMToken = moonwellMToken
        self.morphoVault = morphoVault
    }

    public func pinned(_ role: AddressRole) -> Address? {
        switch role {
        case .usdc: usdc
        case .ethUSDFeed: ethUSDFeed
        case .aavePool: aavePool
        case .aaveAToken: aaveAToken
        case .moonwellMToken: moonwellMToken
        case .morphoVault: morphoVault
        }
    }

    /// Throws unless `reported` (what `source` says) is the address pinned for `role`.
    func check(_ role: AddressRole, _ reported: Address, source: String, network: String) throws(LiveChainError) {
        guard let expected = pinned(role) else { throw .unpinned(network: network, role: role.rawValue) }
        guard reported == expected else {
            throw .pinMismatch(role: role.rawValue, expected: expected.checksummed, reported: reported.checksummed, source: source)
        }
    }
}
