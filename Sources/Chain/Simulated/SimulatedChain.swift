import Foundation
import MammonCore

/// The default network: an in-process chain with balances, drifting rates and the original's gas
/// table. It signs, journals, broadcasts and mines through the same `ChainGateway` calls as a live
/// chain, so the executor path is the one that moves real funds.
public actor SimulatedChain: ChainGateway {
    public nonisolated let networkName = "simulated"
    public nonisolated let walletAddress: String
    public let token: Token
    private let markets: SimulatedMarkets
    private var accrual: SimulatedInterest
    private let clock: any EngineClock
    /// Changes of the ledger the engine has not taken yet (see `takeEffects`).
    private nonisolated let effects = ChainEffects()
    private(set) public var ledger: SimulatedLedger
    private var pendingNonce: UInt64
    private var mempool: [String: PreparedTransaction] = [:]
    private var faults: [SimulatedFault] = []
    /// Congestion: the max fee a transaction at this nonce needs before it is mined.
    private var requiredMaxFee: [UInt64: UInt128] = [:]
    private let maxFeeCapWei: UInt128
    /// Seconds a transaction takes to be mined (0: at once), so an execution can be watched step by step.
    private let blockTime: TimeInterval

    /// 0.005 gwei base fee + 0.001 gwei tip, roughly Base's quiet hours.
    public static let baseFeeWei: UInt128 = 5_000_000
    public static let tipWei: UInt128 = 1_000_000
    public static let ethUSD: Decimal = 3000

    public init(token: Token = .usdc, seed: UInt64, clock: any EngineClock, ledger: SimulatedLedger? = nil, maxFeeGwei: Decimal = 100,
                blockTime: TimeInterval = 0) {
        self.blockTime = blockTime
        self.token = token
        self.maxFeeCapWei = UInt128(maxFeeGwei.shifted(by: 9).rounded(0, .down).plainString) ?? 0
        let markets = SimulatedMarkets(seed: seed)
        self.markets = markets
        self.accrual = SimulatedInterest(markets: markets)
        self.clock = clock
        let opening = ledger ?? .opening(token: token)
        self.ledger = opening
        self.pendingNonce = opening.nonce
        self.walletAddress = "0x" + (0..<5).map { i in
            Self.hexDigits(UInt64(UInt32(truncatingIfNeeded: SimulatedMarkets.mix(seed &+ UInt64(i)))), width: 8)
        }.joined()
    }

    /// Restores the ledger stored in `persisted`, or opens a new treasury, handed to the engine whole
    /// as its first effect (later effects hold only what changed).
    public static func open(token: Token = .usdc, seed: UInt64, clock: any EngineClock, persisted: [String: String], maxFeeGwei: Decimal = 100,
                            blockTime: TimeInterval = 0) throws -> SimulatedChain {
        let restored = try SimulatedLedger(persisted: persisted)
        let ledger = restored ?? .opening(token: token)
        let chain = SimulatedChain(token: token, seed: seed, clock: clock, ledger: ledger, maxFeeGwei: maxFeeGwei, blockTime: blockTime)
        if restored == nil { chain.effects.record(.simulatedLedger(ledger.persisted)) }
        return chain
    }

    /// The ledger's changes since the engine last took them.
    public nonisolated func takeEffects() -> [ChainEffect] { effects.take() }

    /// Records a change of the ledger for the engine's next commit (the one recording what caused it).
    private func persist(_ changes: [String: String]) {
        effects.record(.simulatedLedger(changes))
    }

    /// Arms a fault for tests and demonstrations (a revert at a step, failing reads).
    public func inject(_ fault: SimulatedFault) { faults.append(fault) }

    public func scanMarkets(token: Token) async throws -> [MarketSnapshot] {
        try takeReadFault()
        try accrue()
        let now = clock.now()
        return markets.markets.map { p in
            let drained = faults.contains(.illiquid(p))
            let liquidity = drained ? 0 : Self.marketLiquidityUnits(token) + (ledger.deposits[p] ?? 0)
            var snapshot = MarketSnapshot(quote: YieldQuote(marketID: p, token: token, apy: markets.apy(p, at: now), observedAt: now),
                                          position: TokenAmount(baseUnits: ledger.deposits[p] ?? 0, decimals: token.decimals),
                                          withdrawableLiquidity: TokenAmount(baseUnits: liquidity, decimals: token.decimals),
                                          block: ledger.blockNumber)
            depth(p, token: token, into: &snapshot)
            return snapshot
        }
    }

    /// The market's supply (the others' and ours), utilization and rate model. A draining market
    /// has lost 60 % of the others' supply (its borrowers repaid alike); a crowded one is 99.5 %
    /// borrowed, an illiquid one 100 %.
    private func depth(_ p: MarketID, token: Token, into snapshot: inout MarketSnapshot) {
        let depth = SimulatedMarkets.depth(p)
        let unit = (0..<token.decimals).reduce(UInt128(1)) { u, _ in u * 10 }
        var others = UInt128(depth.othersSupply) * unit
        if faults.contains(.draining(p)) { others = others * 4 / 10 }
        let supply = others + (ledger.deposits[p] ?? 0)
        snapshot.supply = TokenAmount(baseUnits: supply, decimals: token.decimals)
        let borrowed: UInt128?
        if faults.contains(.illiquid(p)) {
            borrowed = supply
        } else if faults.contains(.crowded(p)) {
            borrowed = supply * 995 / 1000
            snapshot.withdrawableLiquidity = TokenAmount(baseUnits: supply - borrowed!, decimals: token.decimals)
        } else {
            borrowed = depth.borrowedPerMille.map { others * UInt128($0) / 1000 }
        }
        guard let borrowed else {
            snapshot.rateModel = .dilution
            return
        }
        let supplyTokens = snapshot.supply!.decimalValue, borrowedTokens = TokenAmount(baseUnits: borrowed, decimals: token.decimals).decimalValue
        snapshot.utilization = supply > 0 ? (borrowedTokens / supplyTokens).rounded(6, .down) : 0
        snapshot.rateModel = depth.rateModel.map { .borrowCurve($0, borrows: borrowedTokens, reserveFactor: depth.reserveFactor) } ?? .dilution
    }

    /// Brings the ledger's interest up to the clock's block; the change is an effect for the engine's
    /// next commit like any other. No time passed, no change.
    private func accrue() throws {
        var next = ledger
        accrual.accrue(&next, until: clock.now())
        guard next != ledger else { return }
        persist(next.persistedChanges(from: ledger))
        ledger = next
    }

    /// What other lenders have left in each simulated market to withdraw: 50 million, deep as Base's.
    static func marketLiquidityUnits(_ token: Token) -> UInt128 {
        (0..<token.decimals).reduce(UInt128(50_000_000)) { units, _ in units * 10 }
    }

    public func walletBalance(token: Token) async throws -> TokenAmount {
        try takeReadFault()
        try accrue()
        return TokenAmount(baseUnits: ledger.wallet, decimals: token.decimals)
    }

    public func position(in market: MarketID, token: Token) async throws -> TokenAmount {
        try takeReadFault()
        try accrue()
        return TokenAmount(baseUnits: ledger.deposits[market] ?? 0, decimals: token.decimals)
    }

    public func feeQuote() async throws -> FeeQuote {
        let maxFee = 2 * Self.baseFeeWei + Self.tipWei
        return FeeQuote(maxFeePerGasGwei: Decimal(string: String(maxFee))! / Decimal.powerOfTen(9), ethUSD: Self.ethUSD)
    }

    public func gasEstimate(_ action: ChainAction) async throws -> UInt64 {
        switch action {
        case .withdraw(let p, _, _, _): GasUnits.withdraw(p)
        case .approve: GasUnits.approve
        case .deposit(let p, _, _): GasUnits.deposit(p)
        }
    }

    public func prepare(_ action: ChainAction) async throws -> PreparedTransaction {
        try simulate(action, on: ledger)
        let nonce = max(pendingNonce, ledger.nonce)
        pendingNonce = nonce + 1
        let tx = try await sign(action, nonce: nonce, maxFee: 2 * Self.baseFeeWei + Self.tipWei, tip: Self.tipWei)
        if let i = faults.firstIndex(where: { $0.congests == action.step }), case .congestion(_, let bumps) = faults.remove(at: i) {
            requiredMaxFee[nonce] = (0..<bumps).reduce(tx.maxFeePerGasWei!) { fee, _ in ReplacementFees.bumped(fee) }
        }
        return tx
    }

    public func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        guard let fee = tx.maxFeePerGasWei, let tip = tx.maxPriorityFeePerGasWei else { throw ReplacementError.unknownFees(tx.hash) }
        let next = try ReplacementFees.next(maxFeeWei: fee, tipWei: tip, capWei: maxFeeCapWei)
        return try await sign(tx.action, nonce: tx.nonce, maxFee: next.maxFee, tip: next.tip, cancellation: tx.isCancellation)
    }

    public func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        guard let fee = tx.maxFeePerGasWei, let tip = tx.maxPriorityFeePerGasWei else { throw ReplacementError.unknownFees(tx.hash) }
        let next = try ReplacementFees.next(maxFeeWei: fee, tipWei: tip, capWei: maxFeeCapWei)
        return try await sign(tx.action, nonce: tx.nonce, maxFee: next.maxFee, tip: next.tip, cancellation: true)
    }

    /// A deterministic stand-in for signing: the hash commits to sender, nonce, action and fees.
    private func sign(_ action: ChainAction, nonce: UInt64, maxFee: UInt128, tip: UInt128,
                      cancellation: Bool = false) async throws -> PreparedTransaction {
        let body = cancellation ? "\(walletAddress)|\(nonce)|self-transfer 0|\(maxFee)|\(tip)"
            : "\(walletAddress)|\(nonce)|\(action)|\(maxFee)|\(tip)"
        let hash = "0x" + (0..<4).map { i in Self.hexDigits(SimulatedMarkets.mix(Self.fnv(body) &+ UInt64(i)), width: 16) }.joined()
        let raw = "0x" + Array(body.utf8).map { Self.hexDigits(UInt64($0), width: 2) }.joined()
        return PreparedTransaction(hash: hash, rawTransaction: raw, nonce: nonce,
                                   gasLimit: cancellation ? 21_000 : try await gasEstimate(action) * 12 / 10,
                                   action: action, maxFeePerGasWei: maxFee, maxPriorityFeePerGasWei: tip, isCancellation: cancellation)
    }

    public func broadcast(_ tx: PreparedTransaction) async throws {
        if ledger.receipts.contains(tx.hash) { return }
        // A replacement takes its predecessor's place at the same nonce.
        mempool = mempool.filter { $0.value.nonce != tx.nonce }
        mempool[tx.hash] = tx
    }

    /// Mines the transaction (in nonce order) and returns its receipt; a mined one returns the same receipt.
    public func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt {
        if blockTime > 0, !ledger.receipts.contains(tx.hash) { try await clock.sleep(until: clock.now().addingTimeInterval(blockTime)) }
        if let r = try ledger.receipts.receipt(tx.hash) { return r }
        guard let pending = mempool[tx.hash] else { throw SimulatedChainError.unknownTransaction(tx.hash) }
        if let required = requiredMaxFee[pending.nonce], (pending.maxFeePerGasWei ?? 0) < required {
            throw SimulatedChainError.injected("\(tx.hash) is not mined: the network wants a max fee of at least \(required) wei")
        }
        try accrue()
        mempool.removeValue(forKey: tx.hash)
        requiredMaxFee.removeValue(forKey: pending.nonce)
        let gas = pending.isCancellation ? 21_000 : try await gasEstimate(pending.action)
        let price = Self.baseFeeWei + (pending.maxPriorityFeePerGasWei ?? Self.tipWei)
        var next = ledger
        var revert: String?
        if pending.isCancellation {
            // A self-transfer of nothing: it only uses up the nonce.
        } else if let i = faults.firstIndex(where: { $0.revertsStep == pending.action.step }) {
            revert = faults.remove(at: i).message
        } else {
            do { try apply(pending.action, to: &next) } catch { revert = "\(error)"; next = ledger }
        }
        next.ethWei -= min(next.ethWei, UInt128(gas) * price)
        next.nonce = pending.nonce + 1
        next.blockNumber += 1
        let receipt = TransactionReceipt(hash: pending.hash, succeeded: revert == nil, blockNumber: next.blockNumber,
                                         gasUsed: gas, effectiveGasPriceWei: price, revertReason: revert)
        next.receipts.record(receipt)
        persist(next.persistedChanges(from: ledger))
        ledger = next
        return receipt
    }

    /// A congested transaction is not mined in time. Headless (no block time) the simulated network
    /// says so at once; with a block time it waits the timeout out, as a live chain would.
    public func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        if let pending = mempool[tx.hash], let required = requiredMaxFee[pending.nonce], (pending.maxFeePerGasWei ?? 0) < required {
            if blockTime > 0 { try await clock.sleep(until: clock.now().addingTimeInterval(timeout)) }
            return nil
        }
        return try await awaitReceipt(tx)
    }

    public func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus {
        if let r = try ledger.receipts.receipt(tx.hash) { return .mined(r) }
        if mempool[tx.hash] != nil { return .pending }
        return tx.nonce < ledger.nonce ? .replaced : .unknown
    }

    /// Checks an action against balances the way `eth_call` would before signing.
    private func simulate(_ action: ChainAction, on ledger: SimulatedLedger) throws {
        var copy = ledger
        if case .deposit(let p, _, let amount) = action {
            // The approve in front of it has not been mined yet when both are planned.
            copy.allowances[p] = max(copy.allowances[p] ?? 0, amount.baseUnits)
        }
        try apply(action, to: &copy)
    }

    private func apply(_ action: ChainAction, to l: inout SimulatedLedger) throws {
        switch action {
        case .withdraw(let p, _, let amount, _):
            let held = l.deposits[p] ?? 0
            guard held >= amount.baseUnits else {
                throw SimulatedChainError.insufficientFunds("\(p.displayName) holds \(held), withdraw \(amount.baseUnits)")
            }
            l.deposits[p] = held - amount.baseUnits
            l.wallet += amount.baseUnits
        case .approve(_, let spender, let amount):
            l.allowances[spender] = amount.baseUnits
        case .deposit(let p, _, let amount):
            guard p.acceptsSingleAssetDeposits else { throw SimulatedChainError.notALendingMarket(p.notMovableReason!) }
            guard l.wallet >= amount.baseUnits else {
                throw SimulatedChainError.insufficientFunds("wallet holds \(l.wallet), deposit \(amount.baseUnits)")
            }
            guard (l.allowances[p] ?? 0) >= amount.baseUnits else {
                throw SimulatedChainError.insufficientFunds("allowance \(l.allowances[p] ?? 0) < \(amount.baseUnits)")
            }
            l.allowances[p] = (l.allowances[p] ?? 0) - amount.baseUnits
            l.wallet -= amount.baseUnits
            l.deposits[p, default: 0] += amount.baseUnits
        }
    }

    private func takeReadFault() throws {
        if let i = faults.firstIndex(where: \.failsReads) {
            let fault = faults.remove(at: i)
            throw SimulatedChainError.injectedRead(fault.message, fault.alertCode)
        }
    }

    /// Lowercase hex, zero-padded to `width` digits (not `String(format:)`, which goes through
    /// Foundation's locale machinery and maps ICU into every console on this network).
    static func hexDigits(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func fnv(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

/// A fault armed on the simulated chain; each fires once.
public enum SimulatedFault: Sendable, Hashable {
    case revert(ExecutionStep, reason: String)
    /// `code`: the alert the live failure it rehearses would raise (an unreachable node, a stale feed).
    case readFailure(String, code: AlertCode? = nil)
    /// The step's transaction is not mined until its fee has been raised `bumps` times.
    case congestion(ExecutionStep, bumps: Int)
    /// The market is 100 % utilized: nothing can be withdrawn from it (lasts the whole run).
    case illiquid(MarketID)
    /// The other lenders have taken 60 % of their supply out of the market (lasts the whole run).
    case draining(MarketID)
    /// The market is 99.5 % borrowed: little can be withdrawn (lasts the whole run).
    case crowded(MarketID)

    var congests: ExecutionStep? { if case .congestion(let s, _) = self { s } else { nil } }

    var revertsStep: ExecutionStep? { if case .revert(let s, _) = self { s } else { nil } }
    var failsReads: Bool { if case .readFailure = self { true } else { false } }
    var alertCode: AlertCode? { if case .readFailure(_, let code) = self { code } else { nil } }
    var message: String {
        switch self {
        case .revert(_, let reason): reason
        case .readFailure(let m, _): m
        case .congestion(let s, let bumps): "\(s.rawValue) congested until \(bumps) fee raise(s)"
        case .illiquid(let p): "\(p.displayName) is 100 % utilized"
        case .draining(let p): "\(p.displayName) lost 60 % of its supply"
        case .crowded(let p): "\(p.displayName) is 99.5 % utilized"
        }
    }
}
