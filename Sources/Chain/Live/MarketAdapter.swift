import EVM
import Foundation
import MammonCore

/// What one scan read from one market. Every number is bounded where it was read (`NodeBounds`).
struct MarketReading: Sendable, Hashable {
    var apy: Decimal
    var tvlUSD: Decimal?
    /// The wallet's position in underlying base units.
    var position: UInt128
    /// What the market could pay out now, in underlying base units.
    var liquidity: UInt128?
    /// Underlying units per `ERC4626Adapter.priceShares` shares (vaults), for APY from the share
    /// price over time.
    var sharePrice: UInt256?
    /// False while the APY is not a measured rate (a vault before its first share-price window).
    var apyMeasured = true
    var note: String?
    /// Everything supplied to the market, ours included, in underlying base units.
    var supply: UInt128?
    /// Borrowed / supplied, 0…1 (lending markets; nil for vaults).
    var utilization: Decimal?
    /// How the supply rate answers a deposit, as read from the market's own model.
    var rateModel: SupplyRateModel?

    init(apy: Decimal, tvlUSD: Decimal?, position: UInt128, liquidity: UInt128?, sharePrice: UInt256? = nil, apyMeasured: Bool = true,
         note: String? = nil, supply: UInt128? = nil, utilization: Decimal? = nil, rateModel: SupplyRateModel? = nil) {
        self.apy = apy
        self.tvlUSD = tvlUSD
        self.position = position
        self.liquidity = liquidity
        self.sharePrice = sharePrice
        self.apyMeasured = apyMeasured
        self.note = note
        self.supply = supply
        self.utilization = utilization
        self.rateModel = rateModel
    }
}

/// One protocol's calls: reads for a scan (at most two batched rounds), and the transactions
/// for withdraw / deposit. Approvals go to `spender`, for the exact amount.
protocol MarketAdapter: Sendable {
    var marketID: MarketID { get }
    /// The market contract (for logs and messages).
    var market: Address { get }
    /// The contract that pulls USDC on deposit: the approve's spender.
    var spender: Address { get }
    /// Every address of this market that receives funds or an allowance, with where it came from
    /// (the network's configuration or a read from the node): checked against pins, recorded by the engine.
    var roles: [(role: AddressRole, address: Address, source: String)] { get }

    /// First-round reads, batched with every other market's.
    func scanCalls(wallet: Address) -> [ContractCall]
    /// Second-round reads that need first-round answers; most markets need none.
    func followUpCalls(first: [[UInt8]]) throws(LiveChainError) -> [ContractCall]
    func reading(first: [[UInt8]], second: [[UInt8]]) throws(LiveChainError) -> MarketReading

    /// The call that withdraws or deposits. May read (e.g. a share balance for a full exit).
    func call(for action: ChainAction, wallet: Address, usdc: Address, client: EthClient) async throws(LiveChainError) -> ContractCall
    /// Checks what `eth_call` returned before signing (markets that answer error codes).
    func checkSimulation(_ result: [UInt8], of call: ContractCall) throws(LiveChainError)
    /// A failure a mined, non-reverted transaction reports in its logs.
    func failure(in receipt: ChainReceipt) -> String?

    /// What a fenced treasury's role must allow on this market for a rebalance, every recipient pinned
    /// to the Safe (`RolesCondition.avatar`) and every deposit drawing on the daily allowance.
    func fencePermissions(usdc: Address, allowanceKey: [UInt8]) -> [FencePermission]
    /// The market's name for people ("Aave V3 Pool").
    var displayName: String { get }
}

extension MarketAdapter {
    func followUpCalls(first: [[UInt8]]) throws(LiveChainError) -> [ContractCall] { [] }
    func checkSimulation(_ result: [UInt8], of call: ContractCall) throws(LiveChainError) {}
    func failure(in receipt: ChainReceipt) -> String? { nil }
    var spender: Address { market }

    /// USD at par for a stablecoin amount in base units.
    static func usd(_ units: UInt256, decimals: UInt8) -> Decimal { units.decimalValue / Decimal.powerOfTen(Int(decimals)) }

    func amount(of action: ChainAction) -> UInt256 {
        switch action {
        case .withdraw(_, _, let a, _), .deposit(_, _, let a), .approve(_, _, let a): UInt256(a.baseUnits)
        }
    }
}

/// The registry of families: a market configured on the network, resolved against its contracts at
/// start by its family's adapter.
enum MarketAdapters {
    /// The reads that check a market against the network's USDC and find its derived addresses
    /// (none for a market listed only; a provider is resolved to its Pool before this).
    static func resolutionCalls(_ config: MarketConfig, usdc: Address) -> [ContractCall] {
        switch config {
        case .aaveV3(let pool): AaveV3Adapter.resolutionCalls(pool: pool, usdc: usdc)
        case .compoundV2(_, let mToken): MoonwellAdapter.resolutionCalls(mToken: mToken)
        case .compoundV3(_, let comet): CompoundV3Adapter.resolutionCalls(comet: comet)
        case .erc4626(_, let vault, _): ERC4626Adapter.resolutionCalls(vault: vault)
        case .aaveV3Provider, .amm: []
        }
    }

    /// The market's adapter from the answers to its `resolutionCalls`; nil for a market listed only.
    static func make(_ config: MarketConfig, resolution: [[UInt8]], usdc: Address, decimals: UInt8) throws(LiveChainError) -> (any MarketAdapter)? {
        switch config {
        case .aaveV3(let pool): try AaveV3Adapter(pool: pool, usdc: usdc, decimals: decimals, reserveData: resolution.first ?? [])
        case .aaveV3Provider(let provider):
            throw .misconfigured("Aave PoolAddressesProvider \(provider.checksummed) was not resolved to a Pool")
        case .compoundV2(let id, let mToken): try MoonwellAdapter(id, mToken: mToken, usdc: usdc, decimals: decimals, resolution: resolution)
        case .compoundV3(let id, let comet): try CompoundV3Adapter(id, comet: comet, usdc: usdc, decimals: decimals, resolution: resolution)
        case .erc4626(let id, let vault, let name):
            try ERC4626Adapter(id, vault: vault, name: name, usdc: usdc, decimals: decimals, resolution: resolution)
        case .amm: nil
        }
    }
}
