import EVM
import Foundation
import MammonCore

/// Aave V3 Pool: APY from `getReserveData(usdc).currentLiquidityRate` (word 2 of the 15-word
/// ReserveDataLegacy, per-second compounding as Aave's UI), the aToken balance as the position
/// (it rebases, in underlying units), `supply` and `withdraw` (uint max for a full exit). Supplied
/// USDC sits in the aToken, so the USDC it holds is what the market can pay out now.
///
/// The rate model is the reserve's own: the interest rate strategy's `getInterestRateData(usdc)`
/// (base variable borrow rate, slopes 1 and 2, optimal usage, in ray), the reserve factor (bits
/// 64–79 of the configuration, in basis points) and the total variable debt (the variable debt
/// token's `totalSupply`). Suppliers earn borrow rate × usage × (1 − reserve factor).
struct AaveV3Adapter: MarketAdapter {
    let marketID = MarketID.aaveV3
    let market: Address
    let usdc: Address
    let decimals: UInt8
    /// Read from the pool's reserve data (word 8), never configured by hand.
    let aToken: Address
    /// The reserve's variable debt token (word 10): its `totalSupply` is what is borrowed.
    let variableDebtToken: Address
    /// The interest rate strategy (word 11; one immutable strategy per Pool since Aave 3.4).
    let rateStrategy: Address

    static func resolutionCalls(pool: Address, usdc: Address) -> [ContractCall] { [reserveDataCall(pool: pool, usdc: usdc)] }

    static func reserveDataCall(pool: Address, usdc: Address) -> ContractCall {
        ContractCall(to: pool, "getReserveData(address)", [.address(usdc)], label: "Aave getReserveData")
    }

    init(pool: Address, usdc: Address, decimals: UInt8, reserveData: [UInt8]) throws(LiveChainError) {
        self.market = pool
        self.usdc = usdc
        self.decimals = decimals
        guard reserveData.count >= 15 * 32 else {
            throw .misconfigured("Aave pool \(pool.checksummed): getReserveData(USDC) returned \(reserveData.count) bytes, expected the 15-word reserve layout (is USDC listed there?)")
        }
        let call = "Aave getReserveData"
        let aToken = try UInt256.address(8, of: reserveData, call: call)
        guard aToken != .zero else { throw .misconfigured("Aave pool \(pool.checksummed) has no USDC reserve (aToken is zero)") }
        self.aToken = aToken
        self.variableDebtToken = try UInt256.address(10, of: reserveData, call: call)
        self.rateStrategy = try UInt256.address(11, of: reserveData, call: call)
        guard variableDebtToken != .zero, rateStrategy != .zero else {
            throw .misconfigured("Aave pool \(pool.checksummed): the USDC reserve names no variable debt token or interest rate strategy (words 10 and 11 of getReserveData)")
        }
    }

    var roles: [(role: AddressRole, address: Address, source: String)] {
        [(.aavePool, market, "the network's Aave Pool"),
         (.aaveAToken, aToken, "Aave Pool \(market.checksummed) getReserveData(USDC)")]
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [Self.reserveDataCall(pool: market, usdc: usdc),
         ContractCall(to: aToken, "balanceOf(address)", [.address(wallet)], label: "Aave aToken balanceOf"),
         ContractCall(to: aToken, "totalSupply()", label: "Aave aToken totalSupply"),
         ContractCall(to: usdc, "balanceOf(address)", [.address(aToken)], label: "USDC balanceOf(aToken)"),
         ContractCall(to: variableDebtToken, "totalSupply()", label: "Aave variable debt totalSupply"),
         ContractCall(to: rateStrategy, "getInterestRateData(address)", [.address(usdc)], label: "Aave getInterestRateData")]
    }

    /// An APR above 10 000 % is refused before the compounding (which it would overflow); the
    /// APY must then be at most `NodeBounds.maxAPYPercent`.
    static let maxLiquidityRateRay = UInt256.powerOfTen(29)!
    static let ray = UInt256.powerOfTen(27)!

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        let call = "Aave getReserveData currentLiquidityRate"
        let rate = try NodeBounds.atMost(try UInt256.word(2, of: first[0], call: "Aave getReserveData"), Self.maxLiquidityRateRay, call: call)
        let apy = try NodeBounds.apy(APYMath.aaveSupplyAPY(liquidityRateRay: rate), call: call, value: rate)
        func units(_ data: [UInt8], _ call: String) throws(LiveChainError) -> UInt128 {
            try NodeBounds.tokenUnits(try UInt256.word(0, of: data, call: call), decimals: decimals, call: call)
        }
        let position = try units(first[1], "Aave aToken balanceOf")
        let supply = try units(first[2], "Aave aToken totalSupply")
        let cash = try units(first[3], "USDC balanceOf(aToken)")
        let borrows = try units(first[4], "Aave variable debt totalSupply")
        return MarketReading(apy: apy, tvlUSD: Self.usd(UInt256(supply), decimals: decimals), position: position, liquidity: cash,
                             supply: supply, utilization: Self.utilization(borrows: borrows, supply: supply),
                             rateModel: try rateModel(configuration: first[0], strategy: first[5], borrows: borrows))
    }

    /// borrows / supply, at most 1 (0 for an empty market).
    static func utilization(borrows: UInt128, supply: UInt128) -> Decimal {
        supply == 0 ? 0 : min(1, Decimal(string: String(borrows))! / Decimal(string: String(supply))!)
    }

    /// Aave's curve, base + slope1 × u / optimal below the optimal usage and + slope2 × (u − optimal)
    /// / (1 − optimal) above it, as a kinked curve; rates are annual (ray / 1e27).
    func rateModel(configuration: [UInt8], strategy: [UInt8], borrows: UInt128) throws(LiveChainError) -> SupplyRateModel {
        let call = "Aave getInterestRateData"
        func ray(_ index: Int, _ field: String) throws(LiveChainError) -> UInt256 {
            // 1 000 % a year: far above any real slope, far below what Decimal cannot hold.
            try NodeBounds.atMost(try UInt256.word(index, of: strategy, call: call), Self.ray * UInt256(10), call: "\(call) \(field)")
        }
        let optimal = try ray(0, "optimalUsageRatio"), base = try ray(1, "baseVariableBorrowRate")
        let slope1 = try ray(2, "variableRateSlope1"), slope2 = try ray(3, "variableRateSlope2")
        guard !optimal.isZero, optimal <= Self.ray else {
            throw .outOfRange(call: "\(call) optimalUsageRatio", value: optimal.decimalString, limit: "above 0 and at most 1e27 (100 %)")
        }
        let configurationWord = try UInt256.word(0, of: configuration, call: "Aave getReserveData configuration")
        let reserveFactorBps = configurationWord.w1 & 0xFFFF  // bits 64–79
        guard reserveFactorBps <= 10_000 else {
            throw .outOfRange(call: "Aave reserve factor", value: "\(reserveFactorBps) bps", limit: "at most 10000 bps (100 %)")
        }
        let one = Decimal.powerOfTen(27)
        let kink = optimal.decimalValue / one
        let curve = KinkedRateCurve(base: base.decimalValue / one, slopeLow: slope1.decimalValue / one / kink,
                                    slopeHigh: kink == 1 ? 0 : slope2.decimalValue / one / (1 - kink), kink: kink)
        return .borrowCurve(curve, borrows: Self.usd(UInt256(borrows), decimals: decimals),
                            reserveFactor: Decimal(Int(reserveFactorBps)) / 10_000)
    }

    func call(for action: ChainAction, wallet: Address, usdc: Address, client: EthClient) async throws(LiveChainError) -> ContractCall {
        switch action {
        case .withdraw(_, _, _, let fullExit):
            // type(uint256).max withdraws the whole aToken balance, interest to the last second included.
            let amount = fullExit ? UInt256.max : amount(of: action)
            return ContractCall(to: market, "withdraw(address,uint256,address)", [.address(usdc), .uint(amount), .address(wallet)],
                                label: "Aave withdraw")
        case .deposit:
            return ContractCall(to: market, "supply(address,uint256,address,uint16)",
                                [.address(usdc), .uint(amount(of: action)), .address(wallet), .uint(0)], label: "Aave supply")
        case .approve:
            throw .misconfigured("approvals are ERC-20 calls, not Aave calls")
        }
    }

    var displayName: String { "Aave V3 Pool" }

    func fencePermissions(usdc: Address, allowanceKey: [UInt8]) -> [FencePermission] {
        [FencePermission(target: market, targetName: displayName, signature: "supply(address,uint256,address,uint16)",
                         condition: .calldata([.equal(usdc), .withinAllowance(allowanceKey), .avatar, .any]),
                         meaning: "asset = USDC, amount within the daily allowance, onBehalfOf = the Safe"),
         FencePermission(target: market, targetName: displayName, signature: "withdraw(address,uint256,address)",
                         condition: .calldata([.equal(usdc), .any, .avatar]),
                         meaning: "asset = USDC, to = the Safe")]
    }
}
