import EVM
import Foundation
import MammonCore

/// A Compound V2-style market (Moonwell's mTokens): APY from `supplyRatePerTimestamp` (the SDK's
/// daily compounding), position = mToken balance × `exchangeRateStored` / 1e18, `mint`,
/// `redeemUnderlying` and, for a full exit, `redeem(all mTokens)`. These return an error code
/// instead of reverting, so the code from `eth_call` is checked before signing and the `Failure`
/// log after mining. What it can pay out now is its `getCash()`.
///
/// The rate model is the market's JumpRateModel (`interestRateModel()`, read at connect):
/// `baseRatePerTimestamp`, `multiplierPerTimestamp`, `jumpMultiplierPerTimestamp`, `kink`, with
/// the market's `reserveFactorMantissa` and `totalBorrows`. Governance can swap the model: a scan
/// that finds another one than at connect reports no model (judged conservatively) until a restart
/// reads the new one.
struct MoonwellAdapter: MarketAdapter {
    let marketID: MarketID
    let market: Address
    let decimals: UInt8
    /// The JumpRateModel the market named at connect.
    let rateModelAddress: Address

    /// keccak256("Failure(uint256,uint256,uint256)"), Compound's ErrorReporter event.
    static let failureTopic = Keccak256.hash("Failure(uint256,uint256,uint256)")
    static let exp: UInt256 = 1_000_000_000_000_000_000

    static func resolutionCalls(mToken: Address) -> [ContractCall] {
        [ContractCall(to: mToken, "underlying()", label: "Moonwell underlying"),
         ContractCall(to: mToken, "interestRateModel()", label: "Moonwell interestRateModel")]
    }

    init(_ id: MarketID = .moonwell, mToken: Address, usdc: Address, decimals: UInt8, resolution: [[UInt8]]) throws(LiveChainError) {
        let asset = try UInt256.address(0, of: resolution.first ?? [], call: "Moonwell underlying")
        try MarketAsset.check(asset, usdc: usdc, market: "Compound V2 market \(id.rawValue) \(mToken.checksummed)", verb: "lends")
        self.marketID = id
        self.market = mToken
        self.decimals = decimals
        self.rateModelAddress = try UInt256.address(0, of: resolution.count > 1 ? resolution[1] : [], call: "Moonwell interestRateModel")
        guard rateModelAddress != .zero else { throw .misconfigured("Compound V2 market \(mToken.checksummed) names no interest rate model") }
    }

    var roles: [(role: AddressRole, address: Address, source: String)] {
        [(.market(marketID, "mtoken"), market, "the network's \(marketID.rawValue) market")]
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "supplyRatePerTimestamp()", label: "Moonwell supplyRatePerTimestamp"),
         ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "Moonwell balanceOf"),
         ContractCall(to: market, "exchangeRateStored()", label: "Moonwell exchangeRateStored"),
         ContractCall(to: market, "totalSupply()", label: "Moonwell totalSupply"),
         ContractCall(to: market, "getCash()", label: "Moonwell getCash"),
         ContractCall(to: market, "totalBorrows()", label: "Moonwell totalBorrows"),
         ContractCall(to: market, "reserveFactorMantissa()", label: "Moonwell reserveFactorMantissa"),
         ContractCall(to: market, "interestRateModel()", label: "Moonwell interestRateModel"),
         ContractCall(to: rateModelAddress, "baseRatePerTimestamp()", label: "JumpRateModel baseRatePerTimestamp"),
         ContractCall(to: rateModelAddress, "multiplierPerTimestamp()", label: "JumpRateModel multiplierPerTimestamp"),
         ContractCall(to: rateModelAddress, "jumpMultiplierPerTimestamp()", label: "JumpRateModel jumpMultiplierPerTimestamp"),
         ContractCall(to: rateModelAddress, "kink()", label: "JumpRateModel kink")]
    }

    /// A per-second rate above 1e-6 (an APR of 3 000 %) is refused before the compounding; the APY
    /// must then be at most `NodeBounds.maxAPYPercent`.
    static let maxSupplyRatePerSecond = UInt256.powerOfTen(12)!
    /// A model's per-second slope above 1e-5 (31 536 % a year) is not a real market's.
    static let maxModelRatePerSecond = UInt256.powerOfTen(13)!

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
        let borrows = try NodeBounds.tokenUnits(try UInt256.word(0, of: first[5], call: "Moonwell totalBorrows"), decimals: decimals,
                                                call: "Moonwell totalBorrows")
        let model = try UInt256.address(0, of: first[7], call: "Moonwell interestRateModel")
        var reading = MarketReading(apy: apy, tvlUSD: Self.usd(UInt256(total), decimals: decimals), position: position, liquidity: cash,
                                    supply: total, utilization: AaveV3Adapter.utilization(borrows: borrows, supply: total))
        if model == rateModelAddress {
            reading.rateModel = try rateModel(reserveFactor: first[6], model: Array(first[8...11]), borrows: borrows)
        } else {
            reading.note = "its interest rate model moved from \(rateModelAddress.checksummed) to \(model.checksummed) since start: the rate after a deposit is judged without it until a restart reads the new one"
        }
        return reading
    }

    /// The JumpRateModel as a kinked curve: base + multiplier × min(u, kink) + jump × max(0, u − kink),
    /// per second × a year (the model's own `timestampsPerYear`, 31 536 000).
    func rateModel(reserveFactor: [UInt8], model: [[UInt8]], borrows: UInt128) throws(LiveChainError) -> SupplyRateModel {
        let labels = ["baseRatePerTimestamp", "multiplierPerTimestamp", "jumpMultiplierPerTimestamp"]
        var perYear: [Decimal] = []
        for (answer, label) in zip(model, labels) {
            let call = "JumpRateModel \(label)"
            perYear.append(try NodeBounds.atMost(try UInt256.word(0, of: answer, call: call), Self.maxModelRatePerSecond, call: call).decimalValue
                           * Decimal(APYMath.secondsPerYear) / Decimal.powerOfTen(18))
        }
        let kink = try NodeBounds.atMost(try UInt256.word(0, of: model[3], call: "JumpRateModel kink"), Self.exp, call: "JumpRateModel kink")
        let factor = try NodeBounds.atMost(try UInt256.word(0, of: reserveFactor, call: "Moonwell reserveFactorMantissa"), Self.exp,
                                           call: "Moonwell reserveFactorMantissa")
        let one = Decimal.powerOfTen(18)
        return .borrowCurve(KinkedRateCurve(base: perYear[0], slopeLow: perYear[1], slopeHigh: perYear[2], kink: kink.decimalValue / one),
                            borrows: Self.usd(UInt256(borrows), decimals: decimals), reserveFactor: factor.decimalValue / one)
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
        guard code.isZero else { throw .marketErrorCode(market: shortName, call: call.label, code: code.uint64Value ?? .max) }
    }

    func failure(in receipt: ChainReceipt) -> String? {
        let me = market.lowercased
        for log in receipt.logs where log.address == me && log.topics.first == Self.failureTopic {
            let code = (try? UInt256.word(0, of: log.data, call: "Failure")).flatMap(\.uint64Value) ?? .max
            let info = (try? UInt256.word(1, of: log.data, call: "Failure")).flatMap(\.uint64Value) ?? .max
            return "\(shortName) logged Failure(error \(code) \(CompoundError.name(code)), info \(info)); nothing moved"
        }
        return nil
    }

    var displayName: String { marketID == .moonwell ? "Moonwell mUSDC" : "Compound V2 market \(marketID.rawValue)" }
    /// How its error codes and logs are named.
    var shortName: String { marketID == .moonwell ? "Moonwell" : displayName }

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
