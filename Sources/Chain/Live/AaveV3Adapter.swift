import EVM
import Foundation
import MammonCore

/// Aave V3 Pool: APY from `getReserveData(usdc).currentLiquidityRate` (word 2 of the 15-word
/// ReserveDataLegacy, per-second compounding as Aave's UI), the aToken balance as the position
/// (it rebases, in underlying units), `supply` and `withdraw` (uint max for a full exit). Supplied
/// USDC sits in the aToken, so the USDC it holds is what the market can pay out now.
struct AaveV3Adapter: MarketAdapter {
    let marketID = MarketID.aaveV3
    let market: Address
    let usdc: Address
    let decimals: UInt8
    /// Read from the pool's reserve data (word 8), never configured by hand.
    let aToken: Address

    static func resolutionCall(pool: Address, usdc: Address) -> ContractCall {
        ContractCall(to: pool, "getReserveData(address)", [.address(usdc)], label: "Aave getReserveData")
    }

    init(pool: Address, usdc: Address, decimals: UInt8, reserveData: [UInt8]) throws(LiveChainError) {
        self.market = pool
        self.usdc = usdc
        self.decimals = decimals
        guard reserveData.count >= 15 * 32 else {
            throw .misconfigured("Aave pool \(pool.checksummed): getReserveData(USDC) returned \(reserveData.count) bytes, expected the 15-word reserve layout (is USDC listed there?)")
        }
        let aToken = try UInt256.address(8, of: reserveData, call: "Aave getReserveData")
        guard aToken != .zero else { throw .misconfigured("Aave pool \(pool.checksummed) has no USDC reserve (aToken is zero)") }
        self.aToken = aToken
    }

    var roles: [(role: AddressRole, address: Address, source: String)] {
        [(.aavePool, market, "the network's Aave Pool"),
         (.aaveAToken, aToken, "Aave Pool \(market.checksummed) getReserveData(USDC)")]
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [Self.resolutionCall(pool: market, usdc: usdc),
         ContractCall(to: aToken, "balanceOf(address)", [.address(wallet)], label: "Aave aToken balanceOf"),
         ContractCall(to: aToken, "totalSupply()", label: "Aave aToken totalSupply"),
         ContractCall(to: usdc, "balanceOf(address)", [.address(aToken)], label: "USDC balanceOf(aToken)")]
    }

    /// An APR above 10 000 % is refused before the compounding (which it would overflow); the
    /// APY must then be at most `NodeBounds.maxAPYPercent`.
    static let maxLiquidityRateRay = UInt256.powerOfTen(29)!

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        let call = "Aave getReserveData currentLiquidityRate"
        let rate = try NodeBounds.atMost(try UInt256.word(2, of: first[0], call: "Aave getReserveData"), Self.maxLiquidityRateRay, call: call)
        let apy = try NodeBounds.apy(APYMath.aaveSupplyAPY(liquidityRateRay: rate), call: call, value: rate)
        let position = try NodeBounds.tokenUnits(try UInt256.word(0, of: first[1], call: "Aave aToken balanceOf"), decimals: decimals,
                                                 call: "Aave aToken balanceOf")
        let supply = try NodeBounds.tokenUnits(try UInt256.word(0, of: first[2], call: "Aave aToken totalSupply"), decimals: decimals,
                                               call: "Aave aToken totalSupply")
        let cash = try NodeBounds.tokenUnits(try UInt256.word(0, of: first[3], call: "USDC balanceOf(aToken)"), decimals: decimals,
                                             call: "USDC balanceOf(aToken)")
        return MarketReading(apy: apy, tvlUSD: Self.usd(UInt256(supply), decimals: decimals), position: position, liquidity: cash)
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
