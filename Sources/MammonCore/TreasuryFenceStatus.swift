import Foundation

/// A fenced treasury as the engine last read it: the deposits the role's allowance still permits
/// today, the operator's gas ETH, how long that lasts at the recent spend, and what the last full
/// check of the role against the plan found (empty: exactly the plan).
public struct TreasuryFenceStatus: Codable, Hashable, Sendable {
    public var safe: String
    public var operatorAddress: String
    public var allowanceLeft: TokenAmount
    public var allowanceDaily: TokenAmount
    /// The operator's ETH, in wei (decimal text: beyond 64 bits).
    public var operatorGasWei: String
    /// Days of gas at the recent daily spend (nil: nothing spent recently).
    public var gasRunwayDays: Decimal?
    public var checkedAt: Date
    /// When the role was last rebuilt from the chain and compared with the plan.
    public var fenceCheckedAt: Date?
    public var differences: [String]

    public init(safe: String, operatorAddress: String, allowanceLeft: TokenAmount, allowanceDaily: TokenAmount, operatorGasWei: String,
                gasRunwayDays: Decimal? = nil, checkedAt: Date, fenceCheckedAt: Date? = nil, differences: [String] = []) {
        self.safe = safe
        self.operatorAddress = operatorAddress
        self.allowanceLeft = allowanceLeft
        self.allowanceDaily = allowanceDaily
        self.operatorGasWei = operatorGasWei
        self.gasRunwayDays = gasRunwayDays
        self.checkedAt = checkedAt
        self.fenceCheckedAt = fenceCheckedAt
        self.differences = differences
    }

    /// "on-chain allowance: 7500 of 10000 USDC left today".
    public var allowanceLine: String {
        "on-chain allowance: \(Self.whole(allowanceLeft)) of \(Self.whole(allowanceDaily)) USDC left today"
    }

    /// "operator gas: 0.0421 ETH, about 38 days at the recent spend".
    public var gasLine: String {
        let eth = (Decimal(string: operatorGasWei) ?? 0) / Decimal.powerOfTen(18)
        let runway = gasRunwayDays.map { ", about \($0.rounded(0, .down).plainString) days at the recent spend" } ?? ""
        return "operator gas: \(eth.rounded(4, .down).plainString) ETH\(runway)"
    }

    /// The limit a move beyond the on-chain allowance reaches (a `limit.reached` event).
    public static let allowanceLimit = "on-chain allowance"

    /// How the engine's halt for a fence broader than its plan begins (alerts name it).
    public static let haltPrefix = "the fenced treasury's role is not its plan"

    /// Below this many days of gas, the operator is told (an alert) to top it up.
    public static let lowGasRunwayDays: Decimal = 7

    public static func whole(_ amount: TokenAmount) -> String {
        (Decimal(string: String(amount.baseUnits))! / Decimal.powerOfTen(Int(amount.decimals))).plainString
    }

    enum CodingKeys: String, CodingKey {
        case safe, operatorAddress = "operator", allowanceLeft = "allowance_left", allowanceDaily = "allowance_daily",
             operatorGasWei = "operator_gas_wei", gasRunwayDays = "gas_runway_days", checkedAt = "checked_at",
             fenceCheckedAt = "fence_checked_at", differences
    }
}
