/// Gas units per transaction kind. The simulated chain charges exactly these; a live chain estimates.
public enum GasUnits {
    /// The original's per-protocol table (withdraw, deposit), by family; approve is 50k everywhere.
    /// Compound V3's Comet: a `withdraw`/`supply` of the base asset accrues and moves one balance
    /// (about 100–130k on Base).
    public static func withdraw(_ p: MarketID?) -> UInt64 {
        switch p?.family {
        case .aaveV3: 150_000
        case .erc4626: 120_000
        case .compoundV2: 140_000
        case .compoundV3: 130_000
        case .amm: 110_000
        case nil: 130_000
        }
    }

    public static func deposit(_ p: MarketID?) -> UInt64 {
        switch p?.family {
        case .aaveV3: 120_000
        case .erc4626: 100_000
        case .compoundV2: 115_000
        case .compoundV3: 110_000
        case .amm: 95_000
        case nil: 110_000
        }
    }

    public static let approve: UInt64 = 50_000

    /// The what-if calculator's units when no protocol is named.
    public static let genericWithdraw: UInt64 = 150_000
    public static let genericApprove: UInt64 = 50_000
    public static let genericSwap: UInt64 = 200_000
    public static let genericDeposit: UInt64 = 150_000
}
