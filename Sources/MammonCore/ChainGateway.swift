import Foundation

/// A transaction the executor wants sent. The gateway turns it into calls for the named market.
public enum ChainAction: Codable, Hashable, Sendable {
    case withdraw(MarketID, Token, TokenAmount, fullExit: Bool)
    /// Exact-amount allowance for the market that will pull the funds; never unlimited.
    case approve(Token, spender: MarketID, TokenAmount)
    case deposit(MarketID, Token, TokenAmount)

    public var step: ExecutionStep {
        switch self {
        case .withdraw: .withdraw
        case .approve: .approve
        case .deposit: .deposit
        }
    }
}

/// A signed transaction that has not necessarily been broadcast. Journaled before it is sent, so a
/// restart can rebroadcast the same bytes instead of signing a second transaction.
public struct PreparedTransaction: Codable, Hashable, Sendable {
    public var hash: String
    public var rawTransaction: String
    public var nonce: UInt64
    public var gasLimit: UInt64
    public var action: ChainAction
    /// EIP-1559 fee fields as signed (nil where unknown), needed to price a replacement.
    public var maxFeePerGasWei: UInt128?
    public var maxPriorityFeePerGasWei: UInt128?
    /// A zero-value self-transfer that takes `action`'s nonce so the action is never mined.
    public var isCancellation: Bool

    public init(hash: String, rawTransaction: String, nonce: UInt64, gasLimit: UInt64, action: ChainAction,
                maxFeePerGasWei: UInt128? = nil, maxPriorityFeePerGasWei: UInt128? = nil, isCancellation: Bool = false) {
        self.isCancellation = isCancellation
        self.hash = hash
        self.rawTransaction = rawTransaction
        self.nonce = nonce
        self.gasLimit = gasLimit
        self.action = action
        self.maxFeePerGasWei = maxFeePerGasWei
        self.maxPriorityFeePerGasWei = maxPriorityFeePerGasWei
    }
}

/// A mined transaction's outcome. Costs are the real gas used × effective price (+ L1 fee), in wei.
public struct TransactionReceipt: Codable, Hashable, Sendable {
    public var hash: String
    public var succeeded: Bool
    public var blockNumber: UInt64
    public var gasUsed: UInt64
    public var effectiveGasPriceWei: UInt128
    public var l1FeeWei: UInt128
    public var revertReason: String?
    /// What the chain wants the step's record to say besides the block (shadow mode: how the step
    /// was verified against the real chain).
    public var note: String?

    public init(hash: String, succeeded: Bool, blockNumber: UInt64, gasUsed: UInt64, effectiveGasPriceWei: UInt128,
                l1FeeWei: UInt128 = 0, revertReason: String? = nil, note: String? = nil) {
        self.note = note
        self.hash = hash
        self.succeeded = succeeded
        self.blockNumber = blockNumber
        self.gasUsed = gasUsed
        self.effectiveGasPriceWei = effectiveGasPriceWei
        self.l1FeeWei = l1FeeWei
        self.revertReason = revertReason
    }

    /// gas used × effective price + L1 fee. Never traps: a sum past `UInt128.max` (no real receipt
    /// comes near; the live chain refuses absurd receipts) is `UInt128.max`.
    public var totalFeeWei: UInt128 {
        let (execution, overflow) = UInt128(gasUsed).multipliedReportingOverflow(by: effectiveGasPriceWei)
        let (total, overflowSum) = execution.addingReportingOverflow(l1FeeWei)
        return overflow || overflowSum ? .max : total
    }

    /// The fee in USD at `ethUSD`, from the parts in `Decimal`: exact for any real receipt (38
    /// digits), and never a trap or a saturated figure.
    public func feeUSD(ethUSD: Decimal) -> Decimal {
        let wei = Decimal(gasUsed) * Decimal(string: String(effectiveGasPriceWei))! + Decimal(string: String(l1FeeWei))!
        return wei / Decimal.powerOfTen(18) * ethUSD
    }

    // UInt128 fields are strings in JSON.
    enum CodingKeys: String, CodingKey {
        case hash, succeeded, blockNumber = "block_number", gasUsed = "gas_used",
             effectiveGasPriceWei = "effective_gas_price_wei", l1FeeWei = "l1_fee_wei", revertReason = "revert_reason", note
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func wei(_ key: CodingKeys) throws -> UInt128 {
            let text = try c.decode(String.self, forKey: key)
            guard let v = UInt128(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an integer: \(text)")
            }
            return v
        }
        self.init(hash: try c.decode(String.self, forKey: .hash), succeeded: try c.decode(Bool.self, forKey: .succeeded),
                  blockNumber: try c.decode(UInt64.self, forKey: .blockNumber), gasUsed: try c.decode(UInt64.self, forKey: .gasUsed),
                  effectiveGasPriceWei: try wei(.effectiveGasPriceWei), l1FeeWei: try wei(.l1FeeWei),
                  revertReason: try c.decodeIfPresent(String.self, forKey: .revertReason), note: try c.decodeIfPresent(String.self, forKey: .note))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hash, forKey: .hash)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(blockNumber, forKey: .blockNumber)
        try c.encode(gasUsed, forKey: .gasUsed)
        try c.encode(String(effectiveGasPriceWei), forKey: .effectiveGasPriceWei)
        try c.encode(String(l1FeeWei), forKey: .l1FeeWei)
        try c.encodeIfPresent(revertReason, forKey: .revertReason)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

/// Gas price and ETH price now, for planning a move.
public struct FeeQuote: Codable, Hashable, Sendable {
    public var maxFeePerGasGwei: Decimal
    public var ethUSD: Decimal
    public var l1FeeUSDPerTransaction: Decimal
    /// The L1 data fee of a typical step in wei, where the chain knows it (not encoded).
    public var l1FeeWeiPerTransaction: UInt128 = 0

    public init(maxFeePerGasGwei: Decimal, ethUSD: Decimal, l1FeeUSDPerTransaction: Decimal = 0, l1FeeWeiPerTransaction: UInt128 = 0) {
        self.maxFeePerGasGwei = maxFeePerGasGwei
        self.ethUSD = ethUSD
        self.l1FeeUSDPerTransaction = l1FeeUSDPerTransaction
        self.l1FeeWeiPerTransaction = l1FeeWeiPerTransaction
    }

    /// The max fee per gas in wei (rounded up: gwei with more than nine decimals never occurs).
    public var maxFeePerGasWei: UInt128 { UInt128(maxFeePerGasGwei.shifted(by: 9).rounded(0, .up).plainString) ?? .max }

    /// Wei in USD at this quote's ETH price, exact in `Decimal`.
    public func usd(wei: UInt128) -> Decimal { Decimal(string: String(wei))!.shifted(by: -18) * ethUSD }

    enum CodingKeys: String, CodingKey {
        case maxFeePerGasGwei = "max_fee_per_gas_gwei", ethUSD = "eth_usd", l1FeeUSDPerTransaction = "l1_fee_usd_per_tx"
    }
}

/// What a cycle reads before it decides: every market, the wallet's idle funds and the fees.
public struct ChainScan: Sendable, Hashable {
    public var markets: [MarketSnapshot]
    public var idle: TokenAmount
    public var fee: FeeQuote

    public init(markets: [MarketSnapshot], idle: TokenAmount, fee: FeeQuote) {
        self.markets = markets
        self.idle = idle
        self.fee = fee
    }
}

/// Everything the engine needs from a chain. The simulated chain and a live chain both implement it,
/// so the executor runs one path. A read that fails throws; it never answers zero.
public protocol ChainGateway: Sendable {
    var networkName: String { get }
    var walletAddress: String { get }

    /// Rates and the wallet's positions for every market of `token`, in one pass.
    func scanMarkets(token: Token) async throws -> [MarketSnapshot]
    func walletBalance(token: Token) async throws -> TokenAmount
    func position(in market: MarketID, token: Token) async throws -> TokenAmount
    func feeQuote() async throws -> FeeQuote
    /// `scanMarkets`, `walletBalance` and `feeQuote` together: a live chain reads them in one HTTP round trip.
    func scan(token: Token) async throws -> ChainScan
    /// Gas units the action is expected to use.
    func gasEstimate(_ action: ChainAction) async throws -> UInt64
    /// The largest gas limit a transaction for `action` may be signed with: the worst case the daily
    /// gas limit is checked against (gas limit × max fee). A chain never signs above it.
    func gasLimitCap(_ action: ChainAction) async throws -> UInt64

    /// Checks and signs; nothing leaves the process.
    func prepare(_ action: ChainAction) async throws -> PreparedTransaction
    /// Sends signed bytes. Idempotent: sending the same bytes twice is harmless.
    func broadcast(_ tx: PreparedTransaction) async throws
    /// Waits for the receipt.
    func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt
    /// What the chain knows of a journaled transaction now, without waiting (used after a restart).
    func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus
    /// The receipt, or nil when the transaction is not mined within `timeout` seconds (stuck).
    func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt?
    /// The same transaction at the same nonce with both fee fields raised by the replacement rule,
    /// signed and not sent. Throws when the raise would pass MAX_FEE_GWEI.
    func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction
    /// A zero-value transfer to the wallet itself at the same nonce, fees raised as for a replacement:
    /// once it is mined, the stuck transaction never can be. Signed, not sent.
    func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction
    /// Gas limit × max fee of journaled signed bytes: the most their execution can cost whatever a
    /// receipt says. nil where the chain cannot decode them.
    func signedWorstCaseWei(rawTransaction: String) -> UInt128?

    /// A fenced treasury's state now (nil when the funds are the key's own): the allowance left, the
    /// operator's gas ETH and, with `fullCheck`, every difference between the role on chain and the
    /// plan for `markets` and `limits`. A failed read throws.
    func treasuryStatus(markets: [MarketID], limits: SafetyLimits, fullCheck: Bool) async throws -> TreasuryFenceStatus?

    /// What the chain changed since the engine last asked that must outlive the process (a simulated
    /// ledger, a vault's share prices, receipts), handed over once: the engine commits it with the
    /// rows and events of its next commit. No default: a chain that wraps another hands on the inner one's.
    func takeEffects() -> [ChainEffect]
}

extension ChainGateway {
    /// The three reads one after another.
    public func scan(token: Token) async throws -> ChainScan {
        let markets = try await scanMarkets(token: token)
        let idle = try await walletBalance(token: token)
        return ChainScan(markets: markets, idle: idle, fee: try await feeQuote())
    }

    /// A chain whose transactions use exactly their estimate.
    public func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { try await gasEstimate(action) }

    /// A chain that cannot tell "not yet" from "never" waits for the receipt as long as it takes.
    public func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        try await awaitReceipt(tx)
    }

    public func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        throw ReplacementError.unsupported(networkName)
    }

    public func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        throw ReplacementError.unsupported(networkName)
    }

    public func signedWorstCaseWei(rawTransaction: String) -> UInt128? { nil }

    /// A chain whose funds are its key's own has no fence.
    public func treasuryStatus(markets: [MarketID], limits: SafetyLimits, fullCheck: Bool) async throws -> TreasuryFenceStatus? { nil }
}

/// Why a stuck transaction could not be replaced.
public enum ReplacementError: Error, Equatable, CustomStringConvertible {
    case unsupported(String)
    case feeCapReached(neededGwei: Decimal, capGwei: Decimal)
    case unknownFees(String)
    case callMismatch(hash: String, journaled: String, expected: String)

    public var description: String {
        switch self {
        case .unsupported(let n): "the \(n) network cannot replace transactions"
        case .feeCapReached(let needed, let cap):
            "a replacement needs a max fee of \(needed.plainString) gwei, above MAX_FEE_GWEI \(cap.plainString); waiting for the network to calm or for the operator"
        case .unknownFees(let h): "the fees of \(h) are unknown, so no replacement can be priced"
        case .callMismatch(let h, let journaled, let expected):
            "the journaled bytes of \(h) call \(journaled), not \(expected) as its step does: nothing is re-signed"
        }
    }
}

/// geth's txpool replacement rule: both fee fields must rise by at least 10 %. We add 10 % and one wei.
public enum ReplacementFees {
    public static func bumped(_ fee: UInt128) -> UInt128 { fee * 11 / 10 + 1 }

    /// The raised fees, or an error when the max fee would pass `capWei`.
    public static func next(maxFeeWei: UInt128, tipWei: UInt128, capWei: UInt128) throws(ReplacementError) -> (maxFee: UInt128, tip: UInt128) {
        let fee = bumped(maxFeeWei), tip = bumped(tipWei)
        guard fee <= capWei else {
            throw .feeCapReached(neededGwei: Decimal(string: String(fee))!.shifted(by: -9), capGwei: Decimal(string: String(capWei))!.shifted(by: -9))
        }
        return (fee, tip)
    }
}

/// The fate of a signed transaction as the chain sees it.
public enum TransactionStatus: Sendable, Hashable {
    case mined(TransactionReceipt)
    /// Known to the node (in its mempool) but not mined.
    case pending
    /// Not known: never broadcast, or dropped. Rebroadcasting the journaled bytes is the only retry.
    case unknown
    /// Its nonce was used by another transaction: it can never be mined.
    case replaced
}
