import EVM
import Foundation
import MammonCore

/// A MetaMorpho (ERC-4626) vault: position = `convertToAssets(balanceOf)`, APY from the share price
/// over time (the caller keeps observations), `deposit`, `withdraw`, and `redeem(all shares)` for a
/// full exit (withdrawing `maxWithdraw` can leave rounding dust).
struct MorphoVaultAdapter: MarketAdapter {
    let protocolID = LendingProtocol.morphoVault
    let market: Address
    let decimals: UInt8
    /// One whole share at the vault's 18 decimals (MetaMorpho: 6-decimal USDC + offset 12).
    static let oneShare: UInt256 = 1_000_000_000_000_000_000

    static func resolutionCall(vault: Address) -> ContractCall {
        ContractCall(to: vault, "asset()", label: "vault asset")
    }

    init(vault: Address, usdc: Address, decimals: UInt8, asset: [UInt8]) throws(LiveChainError) {
        let underlying = try UInt256.address(0, of: asset, call: "vault asset")
        guard underlying == usdc else {
            throw .misconfigured("vault \(vault.checksummed) holds \(underlying.checksummed), not the network's USDC \(usdc.checksummed)")
        }
        self.market = vault
        self.decimals = decimals
    }

    func scanCalls(wallet: Address) -> [ContractCall] {
        [ContractCall(to: market, "balanceOf(address)", [.address(wallet)], label: "vault balanceOf"),
         ContractCall(to: market, "totalAssets()", label: "vault totalAssets"),
         ContractCall(to: market, "convertToAssets(uint256)", [.uint(Self.oneShare)], label: "vault share price")]
    }

    func followUpCalls(first: [[UInt8]]) throws(LiveChainError) -> [ContractCall] {
        let shares = try UInt256.word(0, of: first[0], call: "vault balanceOf")
        return [ContractCall(to: market, "convertToAssets(uint256)", [.uint(shares)], label: "vault convertToAssets")]
    }

    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading {
        let assets = try UInt256.word(1, of: first, call: "vault totalAssets")
        let price = try UInt256.word(0, of: first[2], call: "vault share price")
        let position = try UInt256.word(0, of: second[0], call: "vault convertToAssets")
        guard let units = position.uint128Value else { throw .badResult(call: "vault convertToAssets", detail: "out of range") }
        return MarketReading(apy: 0, tvlUSD: Self.usd(assets, decimals: decimals), position: units, sharePrice: price)
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
}

extension UInt256 {
    /// Word 0 of the `index`-th return data in `results` (a small helper for readings).
    static func word(_ index: Int, of results: [[UInt8]], call: String) throws(LiveChainError) -> UInt256 {
        guard index < results.count else { throw .badResult(call: call, detail: "missing result") }
        return try word(0, of: results[index], call: call)
    }
}
