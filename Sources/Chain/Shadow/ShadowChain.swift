import EVM
import Foundation
import MammonCore

/// Shadow mode: the engine on a live network for an address watched without its key. Rates,
/// liquidity, gas prices and ETH/USD are the chain's; the positions are the shadow ledger's (the real
/// holdings at the first start, then what the moves would have left, valued at the markets' own
/// indices). Each step is checked against the real chain as far as the node allows and becomes a
/// would-be transaction: its unsigned bytes, the gas it would use and what that would cost then.
///
/// Nothing can be signed or sent: the only chain inside is `LiveChain` connected watch-only (no
/// signer exists in the process), and no call here reaches `eth_sendRawTransaction`.
public actor ShadowChain: ChainGateway {
    public nonisolated let networkName: String
    public nonisolated let walletAddress: String
    /// The watch-only reader: reads, `eth_call`, `eth_estimateGas`; it has no key.
    public nonisolated let reader: LiveChain
    private let clock: any EngineClock
    /// Changes of the shadow ledger the engine has not taken yet (see `takeEffects`).
    private nonisolated let effects = ChainEffects()
    public private(set) var ledger: ShadowLedger
    /// Whether the node applies `eth_call` state overrides (probed once), and USDC's layout.
    private var overrideSupport: Bool?
    private var layout: TokenStorageLayout?
    /// What `prepare` measured for the step in flight, for its receipt (the executor runs one at a time; a step refused
    /// after `prepare` leaves nothing behind but this, replaced by the next).
    private var prepared: (hash: String, measured: Prepared)?
    private var localNonce: UInt64 = 0

    struct Prepared {
        var gas: UInt64
        var note: String
    }

    public static let hashPrefix = "shadow:"

    init(reader: LiveChain, ledger: ShadowLedger, clock: any EngineClock) {
        self.reader = reader
        self.networkName = ShadowNetwork.name(of: reader.networkName)  // how status, console, alerts and metrics tell it
        self.walletAddress = reader.walletAddress
        self.ledger = ledger
        self.clock = clock
    }

    /// Continues the ledger stored in `persisted`, or seeds a new one from what the address really
    /// holds now (idle USDC and each market's units), handed to the engine whole as its first effect.
    public static func open(reader: LiveChain, persisted: [String: String], clock: any EngineClock) async throws -> ShadowChain {
        let ledger: ShadowLedger
        let seeded: Bool
        if let restored = try ShadowLedger(persisted: persisted) {
            (ledger, seeded) = (restored, false)
        } else {
            (ledger, seeded) = (try await seed(reader), true)
        }
        let chain = ShadowChain(reader: reader, ledger: ledger, clock: clock)
        if seeded { chain.effects.record(.simulatedLedger(ledger.persisted)) }
        return chain
    }

    /// The shadow ledger's changes and the reader's (a vault's share prices) since the engine last took them.
    public nonisolated func takeEffects() -> [ChainEffect] { reader.takeEffects() + effects.take() }

    /// Records a change of the shadow ledger for the engine's next commit (the one recording what caused it).
    private func persist(_ changes: [String: String]) {
        effects.record(.simulatedLedger(changes))
    }

    /// The address's real holdings, in the markets' units: one batch.
    static func seed(_ reader: LiveChain) async throws -> ShadowLedger {
        let markets = reader.adapters.map(\.marketID)
        let calls = [ContractCall(to: reader.network.usdc, "balanceOf(address)", [.address(reader.treasury)], label: "USDC balanceOf")]
            + reader.adapters.map { unitsCall($0, wallet: reader.treasury) }
        let (answers, _) = try await reader.client.batch(calls)
        let idle = try NodeBounds.tokenUnits(try UInt256.word(0, of: answers[0], call: "USDC balanceOf"), decimals: reader.decimals, call: "USDC balanceOf")
        var units: [MarketID: UInt256] = [:]
        for (i, market) in markets.enumerated() {
            let label = calls[i + 1].label
            let word = try UInt256.word(0, of: answers[i + 1], call: label)
            // Comet's principal is signed (int104): negative, the address borrows there, which the ledger cannot hold.
            if market.family == .compoundV3, word.bitWidth == 256 {
                throw LiveChainError.outOfRange(call: label, value: "a negative principal (a borrow)", limit: "a supply position or none")
            }
            units[market] = try NodeBounds.atMost(word, Self.maxUnits, call: label)
        }
        let nonce = try await reader.client.pendingNonce(reader.wallet)
        return ShadowLedger(idle: idle, units: units, nextNonce: nonce)
    }

    /// The read of `wallet`'s units in a market: Aave's scaled balance, Comet's principal (word 0 of
    /// `userBasic`), else the market token's balance (mTokens, vault shares).
    static func unitsCall(_ a: any MarketAdapter, wallet: Address) -> ContractCall {
        if let aave = a as? AaveV3Adapter {
            return ContractCall(to: aave.aToken, "scaledBalanceOf(address)", [.address(wallet)], label: "Aave aToken scaledBalanceOf")
        }
        if a.marketID.family == .compoundV3 {
            return ContractCall(to: a.market, "userBasic(address)", [.address(wallet)], label: "Comet userBasic principal")
        }
        return ContractCall(to: a.market, "balanceOf(address)", [.address(wallet)], label: "\(a.marketID.displayName) balanceOf")
    }

    /// Below 2^128 units: more than any market has issued.
    static let maxUnits = UInt256(UInt128.max)

    // MARK: - Reads

    /// Each configured market's index now: one batch.
    func indices() async throws -> [MarketID: ShadowMarketIndex] {
        var calls: [ContractCall] = []
        var order: [MarketID] = []
        for a in reader.adapters {
            switch a.marketID.family {
            case .aaveV3:
                calls.append(ContractCall(to: a.market, "getReserveNormalizedIncome(address)", [.address(reader.network.usdc)],
                                          label: "Aave getReserveNormalizedIncome"))
            case .compoundV2:
                calls.append(ContractCall(to: a.market, "exchangeRateStored()", label: "Moonwell exchangeRateStored"))
            case .compoundV3:
                calls.append(ContractCall(to: a.market, "totalsBasic()", label: "Comet totalsBasic baseSupplyIndex"))
            case .erc4626:
                calls.append(ContractCall(to: a.market, "convertToAssets(uint256)", [.uint(ShadowMarketIndex.priceShares)],
                                          label: "vault convertToAssets(10^30)"))
            case .amm: continue
            }
            order.append(a.marketID)
        }
        let (answers, _) = try await reader.client.batch(calls)
        var out: [MarketID: ShadowMarketIndex] = [:]
        var i = 0
        for market in order {
            switch market.family {
            case .aaveV3:
                let index = try NodeBounds.atMost(try UInt256.word(0, of: answers[i], call: calls[i].label), .powerOfTen(30)!, call: calls[i].label)
                guard !index.isZero else { throw LiveChainError.outOfRange(call: calls[i].label, value: "0", limit: "a positive index") }
                out[market] = .aave(indexRay: index)
                i += 1
            case .compoundV2:
                let rate = try NodeBounds.atMost(try UInt256.word(0, of: answers[i], call: calls[i].label),
                                                 NodeBounds.maxMoonwellExchangeRate(decimals: reader.decimals), call: calls[i].label)
                guard !rate.isZero else { throw LiveChainError.outOfRange(call: calls[i].label, value: "0", limit: "a positive rate") }
                out[market] = .exchangeRate(rate)
                i += 1
            case .compoundV3:
                // Word 0 of TotalsBasic, a uint64 (1e15 at launch, growing with interest).
                let index = try NodeBounds.atMost(try UInt256.word(0, of: answers[i], call: calls[i].label), UInt256(UInt64.max), call: calls[i].label)
                guard !index.isZero else { throw LiveChainError.outOfRange(call: calls[i].label, value: "0", limit: "a positive index") }
                out[market] = .comet(baseSupplyIndex: index)
                i += 1
            case .erc4626:
                let price = try NodeBounds.atMost(try UInt256.word(0, of: answers[i], call: calls[i].label), NodeBounds.maxVaultSharePrice,
                                                  call: calls[i].label)
                guard !price.isZero else { throw LiveChainError.outOfRange(call: calls[i].label, value: "0", limit: "a positive share price") }
                out[market] = .sharePrice(price)
                i += 1
            case .amm:
                continue
            }
        }
        return out
    }

    /// What the ledger's units in `market` are worth now. Units without an index (a market no longer
    /// configured) are an error, never a zero: the funds are in the ledger.
    func value(_ market: MarketID, _ indices: [MarketID: ShadowMarketIndex]) throws(LiveChainError) -> UInt128 {
        guard let units = ledger.units[market], !units.isZero else { return 0 }
        guard let index = indices[market] else { throw .marketNotConfigured(market) }
        return index.value(of: units)
    }

    /// The chain's rates and liquidity; the shadow ledger's positions at the markets' indices now.
    public func scanMarkets(token: Token) async throws -> [MarketSnapshot] {
        let snapshots = try await reader.scanMarkets(token: token)
        let now = try await indices()
        for market in ledger.units.keys { _ = try value(market, now) }  // every market the ledger holds funds in is read
        var shadow = snapshots
        for i in shadow.indices {
            shadow[i].position = TokenAmount(baseUnits: try value(shadow[i].quote.marketID, now), decimals: token.decimals)
        }
        return shadow
    }

    public func walletBalance(token: Token) async throws -> TokenAmount {
        TokenAmount(baseUnits: ledger.idle, decimals: token.decimals)
    }

    public func position(in market: MarketID, token: Token) async throws -> TokenAmount {
        TokenAmount(baseUnits: try value(market, try await indices()), decimals: token.decimals)
    }

    public func feeQuote() async throws -> FeeQuote { try await reader.feeQuote() }
    /// The real fence (a shadow run proves it too); its allowance is the real one, which would-be moves never draw on.
    public func treasuryStatus(markets: [MarketID], limits: SafetyLimits, fullCheck: Bool) async throws -> TreasuryFenceStatus? {
        try await reader.treasuryStatus(markets: markets, limits: limits, fullCheck: fullCheck)
    }
    public func gasEstimate(_ action: ChainAction) async throws -> UInt64 { try await reader.gasEstimate(action) }
    public func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { try await reader.gasLimitCap(action) }

    // MARK: - Would-be transactions

    /// The call the step would make. A full exit redeems the ledger's units (the real address may hold others).
    /// A Comet withdraw is built here: the live one refuses an amount beyond what the address really
    /// holds, which after earlier shadow moves may differ from the ledger (`verify` says so instead).
    func shadowCall(for action: ChainAction) async throws -> ContractCall {
        if case .withdraw(let p, _, let amount, let fullExit) = action, p.family == .compoundV3 {
            let market = try await reader.adapter(p).market
            return ContractCall(to: market, "withdraw(address,uint256)", [.address(reader.network.usdc), .uint(fullExit ? .max : UInt256(amount.baseUnits))],
                                label: "Comet withdraw")
        }
        if case .withdraw(let p, _, _, true) = action, p.family == .compoundV2 || p.family == .erc4626 {
            let units = ledger.units[p] ?? .zero
            let market = try await reader.adapter(p).market
            return p.family == .compoundV2
                ? ContractCall(to: market, "redeem(uint256)", [.uint(units)], label: "Moonwell redeem")
                : ContractCall(to: market, "redeem(uint256,address,address)", [.uint(units), .address(reader.treasury), .address(reader.treasury)],
                               label: "vault redeem")
        }
        return try await reader.contractCall(for: action)
    }

    /// Checks the step against the real chain as far as the node allows, prices it like a live step
    /// (fees under MAX_FEE_GWEI, a nonce, gas limit within its cap) and returns the unsigned would-be
    /// transaction. A step the chain refuses fails here, as it would before signing on a live run.
    public func prepare(_ action: ChainAction) async throws -> PreparedTransaction {
        let call = try await shadowCall(for: action)
        _ = try await reader.feeQuote()  // a fresh, complete price round, as a live step needs
        let (gas, note) = try await verify(action, call: call)
        let gasLimit = try LiveChain.gasLimit(estimate: max(gas, 21_000), margin: reader.options.gasMarginPercent,
                                              cap: try await reader.gasLimitCap(action), call: call.label)
        let fees = try await reader.feePolicy.fees(from: reader.client, notice: reader.options.notice, beat: reader.beat)
        let nonce = max(try await reader.client.pendingNonce(reader.wallet), ledger.nextNonce, localNonce)
        localNonce = nonce + 1
        let tx = EIP1559Transaction(chainID: reader.network.chainID, nonce: nonce,
                                    maxPriorityFeePerGas: UInt256(fees.maxPriorityFeePerGas), maxFeePerGas: UInt256(fees.maxFeePerGas),
                                    gasLimit: gasLimit, to: reader.route.wrap(call).to, data: reader.route.wrap(call).data)
        let payload = tx.signingPayload()
        let hash = Self.hashPrefix + Hex.data(Keccak256.hash(payload))
        prepared = (hash, Prepared(gas: gas, note: note))
        return PreparedTransaction(hash: hash, rawTransaction: Hex.data(payload), nonce: nonce, gasLimit: gasLimit, action: action,
                                   maxFeePerGasWei: fees.maxFeePerGas, maxPriorityFeePerGasWei: fees.maxPriorityFeePerGas)
    }

    /// `eth_call` of a step as the live engine would make it: from the key's address, through the
    /// treasury's Roles module when it is fenced (so the role's refusal fails the step here, by name).
    func simulate(_ call: ContractCall, overrides: JSONValue? = nil) async throws -> [UInt8] {
        let outer = reader.route.simulation(call)
        let result = if let overrides { try await reader.client.call(outer, from: reader.wallet, overrides: overrides) }
                     else { try await reader.client.call(outer, from: reader.wallet) }
        return try reader.route.innerResult(result, of: outer)
    }

    /// `eth_estimateGas` of the transaction the live engine would sign for the call.
    func estimate(_ call: ContractCall) async throws -> UInt64 {
        try await reader.client.estimateGas(reader.route.wrap(call), from: reader.wallet)
    }

    /// Who the verification acts as, in words.
    var verifiedFrom: String { reader.route == .direct ? "from \(reader.wallet.checksummed)" : throughRole.trimmingCharacters(in: .whitespaces) }

    /// " from the operator … through the Roles module (the role allows it)" on a fenced treasury, else nothing.
    var throughRole: String {
        reader.route == .direct ? "" : " from the operator \(reader.wallet.checksummed) through the Roles module (the role allows it)"
    }

    /// The gas the step would use and how it was verified.
    func verify(_ action: ChainAction, call: ContractCall) async throws -> (UInt64, String) {
        let wallet = reader.treasury
        let adapter: (any MarketAdapter)?
        switch action {
        case .withdraw(let p, _, _, _), .deposit(let p, _, _): adapter = try await reader.adapter(p)
        case .approve: adapter = nil
        }
        switch action {
        case .withdraw(let p, let token, let amount, let fullExit):
            let real = try await reader.position(in: p, token: token).baseUnits
            let shadow = try value(p, try await indices())
            let needed = fullExit ? shadow : amount.baseUnits
            guard real >= needed, (ledger.units[p] ?? .zero) <= (try await realUnits(p)) else {
                return (try await reader.gasEstimate(action), "not verifiable: the shadow position (\(shadow)) is not what \(wallet.checksummed) holds on chain (\(real)) after earlier shadow moves; gas from the table")
            }
            let result = try await simulate(call)
            try adapter?.checkSimulation(result, of: call)
            let gas = try await estimate(call)
            return (gas, "verified: eth_call and eth_estimateGas \(verifiedFrom) succeed (\(gas) gas)")
        case .approve:
            let gas = try await estimate(call)
            guard let layout = try await overrideLayout() else {
                return (gas, "approve not verifiable on this endpoint: it does not apply eth_call state overrides (eth_estimateGas: \(gas) gas)")
            }
            _ = try await simulate(call, overrides: layout.overrides(token: reader.network.usdc, owner: wallet, balance: UInt256(ledger.idle)))
            return (gas, "verified: eth_call\(throughRole) with the balance the earlier steps leave (state override) succeeds (\(gas) gas)")
        case .deposit(let p, _, _):
            let gas = try await reader.gasEstimate(action)
            guard let layout = try await overrideLayout() else {
                return (gas, "deposit not verifiable on this endpoint: it does not apply eth_call state overrides; gas from the table")
            }
            let spender = try await reader.adapter(p).spender
            let allowance = ledger.allowances[p] ?? 0  // what the approve before it left (none: the call fails, as it would)
            let result = try await simulate(call, overrides: layout.overrides(
                token: reader.network.usdc, owner: wallet, balance: UInt256(ledger.idle), spender: spender, allowance: UInt256(allowance)))
            try adapter?.checkSimulation(result, of: call)
            return (gas, "verified: eth_call\(throughRole) with the balance and allowance the earlier steps leave (state override) succeeds; gas from the table")
        }
    }

    /// The address's real units in `market` (to tell whether a withdraw can be replayed on chain).
    func realUnits(_ market: MarketID) async throws -> UInt256 {
        let call = Self.unitsCall(try await reader.adapter(market), wallet: reader.treasury)
        return try UInt256.word(0, of: try await reader.client.call(call), call: call.label)
    }

    /// USDC's storage layout when the node applies state overrides, nil when it does not (probed once:
    /// a code override that returns 42 must answer 42, then the slots are found and read back).
    func overrideLayout() async throws -> TokenStorageLayout? {
        if overrideSupport == false { return nil }
        if let layout { return layout }
        let client = reader.client, wallet = reader.treasury, usdc = reader.network.usdc
        let scratch = try Address(hex: "0x00000000000000000000000000000000005ad0e5")
        let returns42: JSONValue = .object([scratch.checksummed: .object(["code": .string("0x602a60005260206000f3")])])
        let probe = try await client.calls(withOverrides: [(ContractCall(to: scratch, data: [], label: "override probe"), returns42)], from: wallet)
        guard let answer = probe.first ?? nil, (try? UInt256.word(0, of: answer, call: "override probe")) == UInt256(42) else {
            overrideSupport = false
            return nil
        }
        let spender = scratch
        var balanceCalls: [(call: ContractCall, overrides: JSONValue)] = []
        var allowanceCalls: [(call: ContractCall, overrides: JSONValue)] = []
        var tried: [(TokenStorageLayout.Scheme, UInt64)] = []
        let marker = Hex32.text(TokenStorageLayout.marker.bigEndianBytes)
        for scheme in TokenStorageLayout.Scheme.allCases {
            for base in TokenStorageLayout.candidates {
                let b = Hex32.text(TokenStorageLayout.balanceSlot(wallet, base: base, scheme: scheme))
                let a = Hex32.text(TokenStorageLayout.allowanceSlot(owner: wallet, spender: spender, base: base, scheme: scheme))
                balanceCalls.append((ContractCall(to: usdc, "balanceOf(address)", [.address(wallet)], label: "USDC balanceOf probe"),
                                     .object([usdc.checksummed: .object(["stateDiff": .object([b: .string(marker)])])])))
                allowanceCalls.append((ContractCall(to: usdc, "allowance(address,address)", [.address(wallet), .address(spender)], label: "USDC allowance probe"),
                                       .object([usdc.checksummed: .object(["stateDiff": .object([a: .string(marker)])])])))
                tried.append((scheme, base))
            }
        }
        let balances = try await client.calls(withOverrides: balanceCalls, from: wallet)
        let allowances = try await client.calls(withOverrides: allowanceCalls, from: wallet)
        func hit(_ answer: [UInt8]?) -> Bool { answer.flatMap { try? UInt256.word(0, of: $0, call: "probe") } == TokenStorageLayout.marker }
        guard let b = balances.firstIndex(where: hit), let a = allowances.indices.first(where: { hit(allowances[$0]) && tried[$0].0 == tried[b].0 }) else {
            overrideSupport = false
            reader.options.notice("shadow mode: the node applies state overrides, but USDC's balance and allowance slots were not found; approve and deposit are not verifiable")
            return nil
        }
        overrideSupport = true
        layout = TokenStorageLayout(scheme: tried[b].0, balanceBase: tried[b].1, allowanceBase: tried[a].1)
        return layout
    }

    /// Nothing is ever sent: a would-be transaction is only journaled.
    public func broadcast(_ tx: PreparedTransaction) async throws {
        guard tx.hash.hasPrefix(Self.hashPrefix) else { throw LiveChainError.watchOnly(walletAddress) }
    }

    /// "Mines" a would-be transaction: applies it to the shadow ledger at the markets' indices now and
    /// returns its receipt (the gas it would have used at the base fee now plus its tip, and the L1
    /// fee of its bytes). Applying it again returns the same receipt.
    public func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt {
        if let r = ledger.receipts[tx.hash] { return r }
        guard tx.hash.hasPrefix(Self.hashPrefix) else { throw LiveChainError.watchOnly(walletAddress) }
        var measured = prepared?.hash == tx.hash ? prepared?.measured : nil
        if measured == nil {
            measured = Prepared(gas: try await gasEstimate(tx.action), note: "verification not kept across the restart; gas from the table")
        }
        var next = ledger
        var revert: String?
        do {
            let now = try await indices()
            func index(_ p: MarketID) throws -> ShadowMarketIndex {
                guard let i = now[p] else { throw LiveChainError.marketNotConfigured(p) }
                return i
            }
            switch tx.action {
            case .withdraw(let p, _, let amount, let fullExit):
                try next.withdraw(p, amount: amount.baseUnits, fullExit: fullExit, index: try index(p))
            case .approve(_, let spender, let amount):
                next.approve(spender, amount: amount.baseUnits)
            case .deposit(let p, _, let amount):
                try next.deposit(p, amount: amount.baseUnits, index: try index(p))
            }
        } catch let error as ShadowLedger.LedgerError {
            revert = error.description
            next = ledger
        }
        let (baseFee, tip) = try await reader.client.feeInputs()
        let maxFee = tx.maxFeePerGasWei ?? .max
        let price = min(maxFee, baseFee + min(tip, tx.maxPriorityFeePerGasWei ?? tip))
        let block: UInt64
        do { block = try await reader.client.rpc.blockNumber() } catch { throw LiveChainError.rpc(error) }
        let receipt = TransactionReceipt(hash: tx.hash, succeeded: revert == nil, blockNumber: block, gasUsed: measured!.gas,
                                         effectiveGasPriceWei: price, l1FeeWei: try await l1Fee(of: tx), revertReason: revert,
                                         note: "shadow, not sent: " + measured!.note)
        next.receipts[tx.hash] = receipt
        next.nextNonce = max(next.nextNonce, tx.nonce + 1)
        persist(next.persistedChanges(from: ledger))
        ledger = next
        if prepared?.hash == tx.hash { prepared = nil }
        return receipt
    }

    /// The L1 data fee the would-be transaction's bytes would pay now (OP-stack networks), else zero.
    func l1Fee(of tx: PreparedTransaction) async throws -> UInt128 {
        guard let oracle = reader.network.gasPriceOracle else { return 0 }
        let call = ContractCall(to: oracle, "getL1Fee(bytes)", [.bytes(try Hex.parseData(tx.rawTransaction))], label: "GasPriceOracle getL1Fee")
        let data = try await reader.client.call(call)
        return try NodeBounds.uint128(try UInt256.word(0, of: data, call: call.label), atMost: NodeBounds.maxL1FeeWei, call: call.label, unit: " wei")
    }

    /// A would-be transaction is "mined" once the ledger applied it; otherwise it was never applied
    /// (recovery "rebroadcasts" it, which applies it).
    public func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus {
        if let r = ledger.receipts[tx.hash] { return .mined(r) }
        return .unknown
    }
}
