import EVM
import Foundation
import MammonCore

/// A MetaMorpho (ERC-4626) vault: position = `convertToAssets(balanceOf)`, APY from the share price
/// over time (the caller keeps observations), `deposit`, `withdraw`, and `redeem(all shares)` for a
/// full exit (withdrawing `maxWithdraw` can leave rounding dust).
///
/// What it can pay out: the larger of its idle USDC and `maxWithdraw(wallet)`. Each is an amount the
/// vault could pay now, so their maximum never overstates its liquidity (their sum could count the
/// idle USDC twice). It understates a MetaMorpho vault, which keeps its cash in Morpho Blue markets
/// rather than idle: before the wallet holds shares there, little shows as payable.
struct MorphoVaultAdapter: MarketAdapter {
    let marketID = MarketID.morphoVault
    let market: Address
    let usdc: Address
    let decimals: UInt8
    /// Shares whose value is read as the share price: 10^30, so that for MetaMorpho's 18-decimal
    /// shares over 6-decimal USDC one unit of rounding is 10^-18 of the price (with 10^18 shares it
    /// was 10^-6, about 0.9 percentage points of APY over an hour).
    static let priceShares = UInt256.powerOfTen(30)!

    static func resolutionCall(vault: Address) -> ContractCall {
        ContractCall(to: vault, "asset()", label: "vault asset")
    }

    init(vault: Address, usdc: Address, decimals: UInt8, asset: [UInt8]) throws(LiveChainError) {
        let underlying = try UInt256.address(0, of: asset, call: "vault asset")
        guard underlying == usdc else {
            throw .misconfigured("vault \(vault.checksummed) holds \(underlying.checksummed), not the network's USDC \(usdc.checksummed)")
        }
        self.market = vault
        self.usdc = usdc
        self.decimals = decimals
    }

    var roles: [(role: AddressRole, address: Address, source: String)] { [(.morphoVault, market, "the network's vault")] }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "vault balanceOf"),
         ContractCall(to: market, "totalAssets()", label: "vault totalAssets"),
         ContractCall(to: market, "convertToAssets(uint256)", [.uint(Self.priceShares)], label: "vault share price"),
         ContractCall(to: usdc, "balanceOf(address)", [.address(market)], label: "USDC balanceOf(vault)"),
         ContractCall(to: market, "maxWithdraw(address)", [.address(wallet)], label: "vault maxWithdraw")]
    }

    func followUpCalls(first: [[UInt8]]) throws(LiveChainError) -> [ContractCall] {
        let shares = try UInt256.word(0, of: first[0], call: "vault balanceOf")
        return [ContractCall(to: market, "convertToAssets(uint256)", [.uint(shares)], label: "vault convertToAssets")]
    }

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        func units(_ data: [UInt8], _ call: String) throws(LiveChainError) -> UInt128 {
            try NodeBounds.tokenUnits(try UInt256.word(0, of: data, call: call), decimals: decimals, call: call)
        }
        let assets = try units(first[1], "vault totalAssets")
        let price = try NodeBounds.atMost(try UInt256.word(0, of: first[2], call: "vault share price"), NodeBounds.maxVaultSharePrice,
                                          call: "vault convertToAssets(10^30)")
        guard !price.isZero else { throw .outOfRange(call: "vault convertToAssets(10^30)", value: "0", limit: "a positive share price") }
        let idle = try units(first[3], "USDC balanceOf(vault)")
        let withdrawable = try units(first[4], "vault maxWithdraw")
        let position = try units(second[0], "vault convertToAssets")
        return MarketReading(apy: 0, tvlUSD: Self.usd(UInt256(assets), decimals: decimals), position: position,
                             liquidity: max(idle, withdrawable), sharePrice: price)
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

    var displayName: String { "ERC-4626 vault" }

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
