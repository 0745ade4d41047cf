import EVM
import MammonCore

/// What an address is for, by a name that stays the same across releases (the engine stores
/// them with the address it first saw, and refuses a later change): `usdc`, `eth-usd-feed`, and
/// `<market id>.<part>` for a market's contracts. The original markets' ids are `aave-v3`,
/// `moonwell` and `morpho-vault`, so their roles read as they were first stored (`aave-v3.pool`,
/// `moonwell.mtoken`, `morpho-vault.vault`); newer ones read `compound-v3:usdc.comet`,
/// `erc4626:steakhouse-usdc.vault`.
public struct AddressRole: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let usdc = AddressRole(rawValue: "usdc")
    public static let ethUSDFeed = AddressRole(rawValue: "eth-usd-feed")

    /// One of a market's contracts: `pool`, `atoken`, `mtoken`, `comet` or `vault`.
    public static func market(_ id: MarketID, _ part: String) -> AddressRole { AddressRole(rawValue: "\(id.rawValue).\(part)") }

    public static let aavePool = market(.aaveV3, "pool")
    public static let aaveAToken = market(.aaveV3, "atoken")

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
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
    /// Each market's contracts by role (`aave-v3.pool`, `compound-v3:usdc.comet`, …).
    public var markets: [AddressRole: Address]

    public init(usdc: Address, usdcDecimals: UInt8, ethUSDFeed: Address, markets: [AddressRole: Address] = [:]) {
        self.usdc = usdc
        self.usdcDecimals = usdcDecimals
        self.ethUSDFeed = ethUSDFeed
        self.markets = markets
    }

    public func pinned(_ role: AddressRole) -> Address? {
        switch role {
        case .usdc: usdc
        case .ethUSDFeed: ethUSDFeed
        default: markets[role]
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
