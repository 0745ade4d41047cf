import MammonCore

/// The largest gas limit a step is ever signed with, per protocol: `prepare` refuses a step whose
/// `eth_estimateGas` × margin is above it (a node that inflates estimates cannot make a step burn
/// more), and the engine checks its daily gas limit against cap × max fee.
///
/// Not `GasUnits` × 2: those are typical costs, and a MetaMorpho deposit or withdrawal walks the
/// vault's supply or withdraw queue (one Morpho Blue call per market), so a real one can pass twice
/// its typical cost. These leave room for that and stop far below an absurd estimate.
public enum GasLimitCaps {
    /// ERC-20 approve (USDC on Base is a proxy: about 40–60k).
    public static let approve: UInt64 = 100_000

    /// Per family. An ERC-4626 vault may walk a queue of underlying markets (MetaMorpho) or
    /// rebalance (Fluid), so it gets the most room.
    public static func withdraw(_ p: MarketID) -> UInt64 {
        switch p.family {
        case .aaveV3: 500_000
        case .compoundV2: 600_000
        case .compoundV3: 500_000
        case .erc4626: 1_500_000
        case .amm: 0  // never a target: no step is signed
        }
    }

    public static func deposit(_ p: MarketID) -> UInt64 { withdraw(p) }

    public static func cap(for action: ChainAction) -> UInt64 {
        switch action {
        case .approve: approve
        case .withdraw(let p, _, _, _): withdraw(p)
        case .deposit(let p, _, _): deposit(p)
        }
    }
}
