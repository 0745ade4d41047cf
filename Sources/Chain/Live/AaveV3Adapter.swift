import EVM
import Foundation
import MammonCore

/// Aave V3 Pool: APY from `getReserveData(usdc).currentLiquidityRate` (word 2 of the 15-word
/// ReserveDataLegacy, per-second compounding as Aave's UI), the aToken balance as the position
/// (it rebases, in underlying units), `supply` and `withdraw` (uint max for a full exit).
struct AaveV3Adapter: MarketAdapter {
    let protocolID = LendingProtocol.aaveV3
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

    func scanCalls(wallet: Address) -> [ContractCall] {
        [Self.resolutionCall(pool: market, usdc: usdc),
         ContractCall(to: aToken, "balanceOf(address)", [.address(wallet)], label: "Aave aToken balanceOf"),
         ContractCall(to: aToken, "totalSupply()", label: "Aave aToken totalSupply")]
    }

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        let rate = try UInt256.word(2, of: first[0], call: "Aave getReserveData")
        let balance = try UInt256.word(0, of: first[1], call: "Aave aToken balanceOf")
        let supply = try UInt256.word(0, of: first[2], call: "Aave aToken totalSupply")
        guard let position = balance.uint128Value else { throw .badResult(call: "Aave aToken balanceOf", detail: "out of range") }
        return MarketReading(apy: APYMath.aaveSupplyAPY(liquidityRateRay: rate), tvlUSD: Self.usd(supply, decimals: decimals),
                             position: position)
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
}
