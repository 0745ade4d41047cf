import EVM
import Foundation
import MammonCore

/// Any ERC-4626 vault over the network's USDC: MetaMorpho, Fluid's fTokens, Euler's vaults. Its
/// `asset()` must be the network's USDC at connect (anything else is refused by name). APY comes
/// from the share price over time (the caller keeps observations); `deposit`, `withdraw`, and
/// `redeem(all shares)` for a full exit (withdrawing `maxWithdraw` can leave rounding dust).
///
/// Every read is in one round (no read depends on another's answer), so the position is not
/// `convertToAssets(balanceOf)`. With the estimate e = shares × `convertToAssets(10^30)` / 10^30,
/// it is `maxWithdraw(wallet)` when that lies in [e, e + 1], else e (below e, or above e + 1 from a
/// vault that does not keep to the standard). The vault's own conversion c lies in [e, e + 1] (the
/// price's rounding, over fewer than 10^30 shares, is under one unit), and `maxWithdraw` is c unless
/// liquidity caps it below: so the position is exactly c whenever liquidity does not bind within a
/// unit of it, and otherwise at most one unit under c. (Morpho's Vault V2, whose `maxWithdraw` is 0,
/// is read at e.)
///
/// What it can pay out: the larger of its idle USDC and `maxWithdraw(wallet)`. Each is an amount the
/// vault could pay now, so their maximum never overstates its liquidity (their sum could count the
/// idle USDC twice). It understates a MetaMorpho vault or an fToken, which keep their cash in the
/// markets they lend to rather than idle: before the wallet holds shares there, little shows as payable.
struct ERC4626Adapter: MarketAdapter {
    let marketID: MarketID
    let market: Address
    let usdc: Address
    let decimals: UInt8
    /// How people call it ("Steakhouse USDC"), from the network's configuration.
    let name: String?
    /// Shares whose value is read as the share price: 10^30, so that for MetaMorpho's 18-decimal
    /// shares over 6-decimal USDC one unit of rounding is 10^-18 of the price (with 10^18 shares it
    /// was 10^-6, about 0.9 percentage points of APY over an hour).
    static let priceShares = UInt256.powerOfTen(30)!

    static func resolutionCalls(vault: Address) -> [ContractCall] {
        [ContractCall(to: vault, "asset()", label: "vault asset")]
    }

    init(_ id: MarketID, vault: Address, name: String?, usdc: Address, decimals: UInt8, resolution: [[UInt8]]) throws(LiveChainError) {
        self.marketID = id
        self.market = vault
        self.usdc = usdc
        self.decimals = decimals
        self.name = name
        let asset = try UInt256.address(0, of: resolution.first ?? [], call: "vault asset")
        try MarketAsset.check(asset, usdc: usdc, market: "vault \(id.rawValue) \(vault.checksummed)", verb: "holds")
    }

    var roles: [(role: AddressRole, address: Address, source: String)] {
        [(.market(marketID, "vault"), market, "the network's \(marketID.rawValue) vault")]
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "vault balanceOf"),
         ContractCall(to: market, "totalAssets()", label: "vault totalAssets"),
         ContractCall(to: market, "convertToAssets(uint256)", [.uint(Self.priceShares)], label: "vault share price"),
         ContractCall(to: usdc, "balanceOf(address)", [.address(market)], label: "USDC balanceOf(vault)"),
         ContractCall(to: market, "maxWithdraw(address)", [.address(wallet)], label: "vault maxWithdraw")]
    }

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        func units(_ data: [UInt8], _ call: String) throws(LiveChainError) -> UInt128 {
            try NodeBounds.tokenUnits(try UInt256.word(0, of: data, call: call), decimals: decimals, call: call)
        }
        let shares = try NodeBounds.atMost(try UInt256.word(0, of: first[0], call: "vault balanceOf"), UInt256(UInt128.max), call: "vault balanceOf")
        let assets = try units(first[1], "vault totalAssets")
        let price = try NodeBounds.atMost(try UInt256.word(0, of: first[2], call: "vault share price"), NodeBounds.maxVaultSharePrice,
                                          call: "vault convertToAssets(10^30)")
        guard !price.isZero else { throw .outOfRange(call: "vault convertToAssets(10^30)", value: "0", limit: "a positive share price") }
        let idle = try units(first[3], "USDC balanceOf(vault)")
        let withdrawable = try units(first[4], "vault maxWithdraw")
        let estimate = try NodeBounds.tokenUnits(try NodeBounds.mulDiv(shares, price, Self.priceShares, call: "vault balanceOf × share price"),
                                                 decimals: decimals, call: "vault balanceOf × share price")
        return MarketReading(apy: 0, tvlUSD: Self.usd(UInt256(assets), decimals: decimals), position: withdrawable >= estimate && withdrawable - estimate <= 1 ? withdrawable : estimate,
                             liquidity: max(idle, withdrawable), sharePrice: price, supply: assets, rateModel: .dilution)
    }

    func call(for action: ChainAction, wallet: Address, usdc: Address, client: EthClient) async throws(LiveChainError) -> ContractCall {
        switch action {
        case .withdraw(_, _, _, let fullExit):
            if fullExit {
                let data = try await client.call(ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "vault balanceOf"))
                let shares = try UInt256.word(0, of: data, call: "vault balanceOf")
                return ContractCall(to: market, "redeem(uint256,address,address)", [.uint(shares), .address(wallet), .address(wallet)],
                                    label: "vault redeem")
            }
            return ContractCall(to: market, "withdraw(uint256,address,address)",
                                [.uint(amount(of: action)), .address(wallet), .address(wallet)], label: "vault withdraw")
        case .deposit:
            return ContractCall(to: market, "deposit(uint256,address)", [.uint(amount(of: action)), .address(wallet)], label: "vault deposit")
        case .approve:
            throw .misconfigured("approvals are ERC-20 calls, not vault calls")
        }
    }

    var displayName: String { name.map { "\($0) (ERC-4626 vault)" } ?? "ERC-4626 vault \(marketID.rawValue)" }

    func fencePermissions(usdc: Address, allowanceKey: [UInt8]) -> [FencePermission] {
        [FencePermission(target: market, targetName: displayName, signature: "deposit(uint256,address)",
                         condition: .calldata([.withinAllowance(allowanceKey), .avatar]),
                         meaning: "assets within the daily allowance, receiver = the Safe"),
         FencePermission(target: market, targetName: displayName, signature: "withdraw(uint256,address,address)",
                         condition: .calldata([.any, .avatar, .avatar]), meaning: "receiver = owner = the Safe"),
         FencePermission(target: market, targetName: displayName, signature: "redeem(uint256,address,address)",
                         condition: .calldata([.any, .avatar, .avatar]), meaning: "receiver = owner = the Safe")]
    }
}
