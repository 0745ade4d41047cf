import Foundation

/// What a move will cost in gas before it is sent: units per planned transaction and the price now.
public struct MovePlan: Codable, Hashable, Sendable {
    public var withdrawGas: UInt64?
    public var approveGas: UInt64?
    public var swapGas: UInt64?
    public var depositGas: UInt64
    /// Gas price in gwei (max fee for EIP-1559), as a decimal.
    public var gasPriceGwei: Decimal
    public var ethUSD: Decimal
    /// Extra fixed cost per transaction in USD (the L1 data fee on OP-stack chains), zero elsewhere.
    public var l1FeeUSDPerTransaction: Decimal
    public var slippageBps: Decimal
    public var swapAmountUSD: Decimal?
    public var protocolFeePct: Decimal

    public init(withdrawGas: UInt64?, approveGas: UInt64?, swapGas: UInt64? = nil, depositGas: UInt64,
                gasPriceGwei: Decimal, ethUSD: Decimal, l1FeeUSDPerTransaction: Decimal = 0,
                slippageBps: Decimal = 50, swapAmountUSD: Decimal? = nil, protocolFeePct: Decimal = 0) {
        self.withdrawGas = withdrawGas
        self.approveGas = approveGas
        self.swapGas = swapGas
        self.depositGas = depositGas
        self.gasPriceGwei = gasPriceGwei
        self.ethUSD = ethUSD
        self.l1FeeUSDPerTransaction = l1FeeUSDPerTransaction
        self.slippageBps = slippageBps
        self.swapAmountUSD = swapAmountUSD
        self.protocolFeePct = protocolFeePct
    }

    public var requiresSwap: Bool { swapGas != nil }

    /// USD cost of `units` of gas at this plan's price, plus the per-transaction L1 fee.
    public func usd(gas units: UInt64) -> Decimal {
        (Decimal(units) * gasPriceGwei).shifted(by: -9) * ethUSD + l1FeeUSDPerTransaction
    }

    public var totalGasUnits: UInt64 {
        (withdrawGas ?? 0) + (approveGas ?? 0) + (swapGas ?? 0) + depositGas
    }

    enum CodingKeys: String, CodingKey {
        case withdrawGas = "withdraw_gas", approveGas = "approve_gas", swapGas = "swap_gas",
             depositGas = "deposit_gas", gasPriceGwei = "gas_price_gwei", ethUSD = "eth_usd",
             l1FeeUSDPerTransaction = "l1_fee_usd_per_tx", slippageBps = "slippage_bps",
             swapAmountUSD = "swap_amount_usd", protocolFeePct = "protocol_fee_pct"
    }
}
