/// Gas units per transaction kind. The simulated chain charges exactly these; a live chain estimates.
public enum GasUnits {
    /// The original's per-protocol table (withdraw, deposit); approve is 50k everywhere.
    public static func withdraw(_ p: LendingProtocol?) -> UInt64 {
        switch p {
        case .aaveV3: 150_000
        case .morphoVault: 120_000
        case .moonwell: 140_000
        case .aerodrome: 110_000
        case nil: 130_000
        }
    }

    public static func deposit(_ p: LendingProtocol?) -> UInt64 {
        switch p {
        case .aaveV3: 120_000
        case .morphoVault: 100_000
        case .moonwell: 115_000
        case .aerodrome: 95_000
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
