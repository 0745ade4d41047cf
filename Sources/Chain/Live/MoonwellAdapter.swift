import EVM
import Foundation
import MammonCore

/// Moonwell (Compound v2 mToken): APY from `supplyRatePerTimestamp` (the SDK's daily compounding),
/// position = mToken balance × `exchangeRateStored` / 1e18, `mint`, `redeemUnderlying` and, for a
/// full exit, `redeem(all mTokens)`. These return an error code instead of reverting, so the code
/// from `eth_call` is checked before signing and the `Failure` log after mining. What it can pay
/// out now is its `getCash()`.
struct MoonwellAdapter: MarketAdapter {
    let marketID = MarketID.moonwell
    let market: Address
    let decimals: UInt8

    /// keccak256("Failure(uint256,uint256,uint256)"), Compound's ErrorReporter event.
    static let failureTopic = Keccak256.hash("Failure(uint256,uint256,uint256)")
    static let exp: UInt256 = 1_000_000_000_000_000_000

    static func resolutionCall(mToken: Address) -> ContractCall {
        ContractCall(to: mToken, "underlying()", label: "Moonwell underlying")
    }

    init(mToken: Address, usdc: Address, decimals: UInt8, underlying: [UInt8]) throws(LiveChainError) {
        let asset = try UInt256.address(0, of: underlying, call: "Moonwell underlying")
        guard asset == usdc else {
            throw .misconfigured("Moonwell market \(mToken.checksummed) lends \(asset.checksummed), not the network's USDC \(usdc.checksummed)")
        }
        self.market = mToken
        self.decimals = decimals
    }

    var roles: [(role: AddressRole, address: Address, source: String)] { [(.moonwellMToken, market, "the network's Moonwell market")] }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "supplyRatePerTimestamp()", label: "Moonwell supplyRatePerTimestamp"),
         ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "Moonwell balanceOf"),
         ContractCall(to: market, "exchangeRateStored()", label: "Moonwell exchangeRateStored"),
         ContractCall(to: market, "totalSupply()", label: "Moonwell totalSupply"),
         ContractCall(to: market, "getCash()", label: "Moonwell getCash")]
    }

    /// A per-second rate above 1e-6 (an APR of 3 000 %) is refused before the compounding; the APY
    /// must then be at most `NodeBounds.maxAPYPercent`.
    static let maxSupplyRatePerSecond = UInt256.powerOfTen(12)!

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        let rateCall = "Moonwell supplyRatePerTimestamp"
        let rate = try NodeBounds.atMost(try UInt256.word(0, of: first[0], call: rateCall), Self.maxSupplyRatePerSecond, call: rateCall)
        let apy = try NodeBounds.apy(APYMath.moonwellSupplyAPY(ratePerSecond: rate), call: rateCall, value: rate)
        let tokens = try mTokens(try UInt256.word(0, of: first[1], call: "Moonwell balanceOf"), call: "Moonwell balanceOf")
        let supply = try mTokens(try UInt256.word(0, of: first[3], call: "Moonwell totalSupply"), call: "Moonwell totalSupply")
        let exchangeRate = try UInt256.word(0, of: first[2], call: "Moonwell exchangeRateStored")
        guard !exchangeRate.isZero else { throw .outOfRange(call: "Moonwell exchangeRateStored", value: "0", limit: "a positive rate") }
        _ = try NodeBounds.atMost(exchangeRate, NodeBounds.maxMoonwellExchangeRate(decimals: decimals), call: "Moonwell exchangeRateStored")
        let position = try NodeBounds.tokenUnits(try NodeBounds.mulDiv(tokens, exchangeRate, Self.exp, call: "Moonwell balanceOf × exchangeRateStored"),
                                                 decimals: decimals, call: "Moonwell balanceOf × exchangeRateStored")
        let total = try NodeBounds.tokenUnits(try NodeBounds.mulDiv(supply, exchangeRate, Self.exp, call: "Moonwell totalSupply × exchangeRateStored"),
                                              decimals: decimals, call: "Moonwell totalSupply × exchangeRateStored")
        let cash = try NodeBounds.tokenUnits(try UInt256.word(0, of: first[4], call: "Moonwell getCash"), decimals: decimals, call: "Moonwell getCash")
        return MarketReading(apy: apy, tvlUSD: Self.usd(UInt256(total), decimals: decimals), position: position, liquidity: cash)
    }

    /// An mToken count that fits 128 bits.
    private func mTokens(_ value: UInt256, call: String) throws(LiveChainError) -> UInt256 {
        guard value.uint128Value != nil else { throw .outOfRange(call: call, value: value.decimalString, limit: "below 2^128 mTokens") }
        return value
    }

    func call(for action: ChainAction, wallet: Address, usdc: Address, client: EthClient) async throws(LiveChainError) -> ContractCall {
        switch action {
        case .withdraw(_, _, _, let fullExit):
            if fullExit {
                // Every mToken: redeemUnderlying of the rounded-down position would leave dust behind.
                let data = try await client.call(ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "Moonwell balanceOf"))
                let tokens = try UInt256.word(0, of: data, call: "Moonwell balanceOf")
                return ContractCall(to: market, "redeem(uint256)", [.uint(tokens)], label: "Moonwell redeem")
            }
            return ContractCall(to: market, "redeemUnderlying(uint256)", [.uint(amount(of: action))], label: "Moonwell redeemUnderlying")
        case .deposit:
            return ContractCall(to: market, "mint(uint256)", [.uint(amount(of: action))], label: "Moonwell mint")
        case .approve:
            throw .misconfigured("approvals are ERC-20 calls, not Moonwell calls")
        }
    }

    func checkSimulation(_ result: [UInt8], of call: ContractCall) throws(LiveChainError) {
        let code = try UInt256.word(0, of: result, call: call.label)
        guard code.isZero else { throw .marketErrorCode(market: "Moonwell", call: call.label, code: code.uint64Value ?? .max) }
    }

    func failure(in receipt: ChainReceipt) -> String? {
        let me = market.lowercased
        for log in receipt.logs where log.address == me && log.topics.first == Self.failureTopic {
            let code = (try? UInt256.word(0, of: log.data, call: "Failure")).flatMap(\.uint64Value) ?? .max
            let info = (try? UInt256.word(1, of: log.data, call: "Failure")).flatMap(\.uint64Value) ?? .max
            return "Moonwell logged Failure(error \(code) \(CompoundError.name(code)), info \(info)); nothing moved"
        }
        return nil
    }

    var displayName: String { "Moonwell mUSDC" }

    /// mint pulls USDC from the caller and credits it; redeem and redeemUnderlying pay the caller. The
    /// caller is the Safe, so only the minted amount needs a condition.
    func fencePermissions(usdc: Address, allowanceKey: [UInt8]) -> [FencePermission] {
        [FencePermission(target: market, targetName: displayName, signature: "mint(uint256)",
                         condition: .calldata([.withinAllowance(allowanceKey)]), meaning: "amount within the daily allowance"),
         FencePermission(target: market, targetName: displayName, signature: "redeem(uint256)", condition: nil,
                         meaning: "any amount (pays the caller, the Safe)"),
         FencePermission(target: market, targetName: displayName, signature: "redeemUnderlying(uint256)", condition: nil,
                         meaning: "any amount (pays the caller, the Safe)")]
    }
}
