import EVM
import Foundation
import MammonCore

/// A Compound V3 Comet whose base asset is the network's USDC (`baseToken()` at connect).
///
/// The position is `balanceOf(wallet)`: the present value of the wallet's principal at the supply
/// index, in underlying units, growing like an aToken. The supply rate is Comet's own formula,
/// base + slopeLow × min(u, kink) + slopeHigh × max(0, u − kink) per second (1e18-scaled), at
/// `getUtilization()`: Comet's `getSupplyRate(u)` takes the utilization as an argument, which a
/// single round of reads cannot pass, so the same integer arithmetic runs here on the curve it
/// reads (`supplyKink`, `supplyPerSecondInterestRateBase`, `…SlopeLow`, `…SlopeHigh`). The APY
/// compounds that rate per second, as the supply index does on every accrual. The curve with
/// `totalBorrow()` is the rate model. What it can pay out now is the USDC the Comet holds.
///
/// `supply(usdc, amount)` deposits; `withdraw(usdc, amount)` pays the caller. Past the caller's
/// balance Comet's `withdraw` *borrows* the rest (against collateral), so a partial withdraw is
/// refused here when it exceeds the balance read just before; a full exit withdraws
/// `type(uint256).max`, which Comet turns into exactly `balanceOf(caller)`.
struct CompoundV3Adapter: MarketAdapter {
    let marketID: MarketID
    let market: Address
    let usdc: Address
    let decimals: UInt8

    static let factorScale = UInt256.powerOfTen(18)!

    static func resolutionCalls(comet: Address) -> [ContractCall] {
        [ContractCall(to: comet, "baseToken()", label: "Comet baseToken")]
    }

    init(_ id: MarketID, comet: Address, usdc: Address, decimals: UInt8, resolution: [[UInt8]]) throws(LiveChainError) {
        let base = try UInt256.address(0, of: resolution.first ?? [], call: "Comet baseToken")
        try MarketAsset.check(base, usdc: usdc, market: "Comet \(id.rawValue) \(comet.checksummed)", verb: "lends")
        self.marketID = id
        self.market = comet
        self.usdc = usdc
        self.decimals = decimals
    }

    var roles: [(role: AddressRole, address: Address, source: String)] {
        [(.market(marketID, "comet"), market, "the network's \(marketID.rawValue) Comet")]
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "getUtilization()", label: "Comet getUtilization"),
         ContractCall(to: market, "supplyKink()", label: "Comet supplyKink"),
         ContractCall(to: market, "supplyPerSecondInterestRateBase()", label: "Comet supplyPerSecondInterestRateBase"),
         ContractCall(to: market, "supplyPerSecondInterestRateSlopeLow()", label: "Comet supplyPerSecondInterestRateSlopeLow"),
         ContractCall(to: market, "supplyPerSecondInterestRateSlopeHigh()", label: "Comet supplyPerSecondInterestRateSlopeHigh"),
         ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "Comet balanceOf"),
         ContractCall(to: market, "totalSupply()", label: "Comet totalSupply"),
         ContractCall(to: market, "totalBorrow()", label: "Comet totalBorrow"),
         ContractCall(to: usdc, "balanceOf(address)", [.address(market)], label: "USDC balanceOf(Comet)")]
    }

    /// The supply curve as read: per-second rates (1e18-scaled) and the kink (1e18 = 100 %).
    struct Curve: Hashable {
        var kink, base, slopeLow, slopeHigh: UInt256

        /// Comet's `getSupplyRate(utilization)`, with its rounding (each `mulFactor` rounds down).
        func ratePerSecond(utilization u: UInt256) -> UInt256 {
            if u <= kink { return base + slopeLow * u / CompoundV3Adapter.factorScale }
            return base + slopeLow * kink / CompoundV3Adapter.factorScale + slopeHigh * (u - kink) / CompoundV3Adapter.factorScale
        }
    }

    /// A per-second slope above 1e-5 (31 536 % a year) is not a real market's; a utilization above
    /// 10 (1 000 %) is not a market's either. Both keep the arithmetic far inside 256 bits.
    static let maxRatePerSecond = UInt256.powerOfTen(13)!
    static let maxUtilization = UInt256.powerOfTen(19)!

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        func word(_ i: Int, _ call: String, atMost limit: UInt256) throws(LiveChainError) -> UInt256 {
            try NodeBounds.atMost(try UInt256.word(0, of: first[i], call: call), limit, call: call)
        }
        func units(_ i: Int, _ call: String) throws(LiveChainError) -> UInt128 {
            try NodeBounds.tokenUnits(try UInt256.word(0, of: first[i], call: call), decimals: decimals, call: call)
        }
        let utilization = try word(0, "Comet getUtilization", atMost: Self.maxUtilization)
        let curve = Curve(kink: try word(1, "Comet supplyKink", atMost: Self.factorScale),
                          base: try word(2, "Comet supplyPerSecondInterestRateBase", atMost: Self.maxRatePerSecond),
                          slopeLow: try word(3, "Comet supplyPerSecondInterestRateSlopeLow", atMost: Self.maxRatePerSecond),
                          slopeHigh: try word(4, "Comet supplyPerSecondInterestRateSlopeHigh", atMost: Self.maxRatePerSecond))
        let call = "Comet supply rate at getUtilization"
        let rate = try NodeBounds.atMost(curve.ratePerSecond(utilization: utilization), MoonwellAdapter.maxSupplyRatePerSecond, call: call)
        let apy = try NodeBounds.apy(APYMath.perSecondCompoundedAPY(ratePerSecond: rate), call: call, value: rate)
        let position = try units(5, "Comet balanceOf")
        let supply = try units(6, "Comet totalSupply")
        let borrows = try units(7, "Comet totalBorrow")
        let cash = try units(8, "USDC balanceOf(Comet)")
        let one = Decimal.powerOfTen(18), year = Decimal(APYMath.secondsPerYear)
        let model = KinkedRateCurve(base: curve.base.decimalValue * year / one, slopeLow: curve.slopeLow.decimalValue * year / one,
                                    slopeHigh: curve.slopeHigh.decimalValue * year / one, kink: curve.kink.decimalValue / one)
        return MarketReading(apy: apy, tvlUSD: Self.usd(UInt256(supply), decimals: decimals), position: position, liquidity: cash,
                             supply: supply, utilization: min(1, utilization.decimalValue / one),
                             rateModel: .supplyCurve(model, borrows: Self.usd(UInt256(borrows), decimals: decimals)))
    }

    func call(for action: ChainAction, wallet: Address, usdc: Address, client: EthClient) async throws(LiveChainError) -> ContractCall {
        switch action {
        case .withdraw(_, _, _, let fullExit):
            if fullExit {
                // Comet withdraws exactly balanceOf(caller) for type(uint256).max: interest to the second, never a borrow.
                return ContractCall(to: market, "withdraw(address,uint256)", [.address(usdc), .uint(.max)], label: "Comet withdraw")
            }
            let amount = amount(of: action)
            let data = try await client.call(ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "Comet balanceOf"))
            let balance = try UInt256.word(0, of: data, call: "Comet balanceOf")
            guard amount <= balance else {
                throw .misconfigured("refusing a Comet withdraw of \(amount.decimalString) base units from \(marketID.rawValue): the position is \(balance.decimalString), and past it Comet would lend the rest as a borrow")
            }
            return ContractCall(to: market, "withdraw(address,uint256)", [.address(usdc), .uint(amount)], label: "Comet withdraw")
        case .deposit:
            return ContractCall(to: market, "supply(address,uint256)", [.address(usdc), .uint(amount(of: action))], label: "Comet supply")
        case .approve:
            throw .misconfigured("approvals are ERC-20 calls, not Comet calls")
        }
    }

    var displayName: String { "Compound V3 Comet \(marketID.rawValue)" }

    /// `supply` pulls USDC from the caller and credits the caller; `withdraw` pays the caller (the
    /// Safe), so it has no recipient to pin. Its amount is left free: past the Safe's balance it
    /// would be a borrow, which needs collateral the role never lets the Safe supply (`supply` is
    /// USDC only, Comet's base asset, which is never collateral).
    func fencePermissions(usdc: Address, allowanceKey: [UInt8]) -> [FencePermission] {
        [FencePermission(target: market, targetName: displayName, signature: "supply(address,uint256)",
                         condition: .calldata([.equal(usdc), .withinAllowance(allowanceKey)]),
                         meaning: "asset = USDC, amount within the daily allowance"),
         FencePermission(target: market, targetName: displayName, signature: "withdraw(address,uint256)",
                         condition: .calldata([.equal(usdc), .any]),
                         meaning: "asset = USDC (pays the caller, the Safe)")]
    }
}
