import EVM
import Foundation
import MammonCore

/// The engine's gateway to a real EVM network: reads through batched `eth_call`s, steps simulated
/// with `eth_call`, signed as type-2 transactions (exact-amount approvals, nonces from the node's
/// `pending` count), sent raw, and confirmed from receipts.
public actor LiveChain: ChainGateway {
    public nonisolated let networkName: String
    /// The treasury: the address whose funds the engine moves and reads (the operator's own in plain
    /// mode, the Safe in fenced mode).
    public nonisolated let walletAddress: String
    /// The key's address: it signs, pays gas and owns the nonce (the treasury itself in plain mode).
    public nonisolated let operatorAddress: String
    /// How calls leave the engine: directly, or through the fenced treasury's Roles module.
    public nonisolated let route: TransactionRoute
    public nonisolated let network: NetworkConfig
    public nonisolated let client: EthClient
    /// Every address that receives funds or an allowance, and the feed, as resolved at connect
    /// (pinned ones checked), under stable role names (`AddressRole`): "usdc", "eth-usd-feed",
    /// "aave-v3.pool", "aave-v3.atoken", "moonwell.mtoken", "morpho-vault.vault", and for newer
    /// markets `<market id>.<part>` ("compound-v3:usdc.comet", "erc4626:steakhouse-usdc.vault"). The
    /// engine records them on first start for network files and refuses a later change.
    public nonisolated let resolvedAddresses: [(role: String, address: Address)]
    /// The operator: signs, pays gas, owns the nonce.
    let wallet: Address
    /// Where the funds are: positions, balances, allowances and every recipient.
    let treasury: Address
    /// Where the daily fence check starts reading the Roles module's logs.
    let fenceLogsFromBlock: UInt64
    /// The key that signs; nil on a watch-only chain (`connect(network:watching:)`), which then has
    /// no key in the process at all and refuses every signing call (shadow mode, `mammon markets`).
    let signer: (any Signer)?
    /// USDC's decimals as the token reports them (checked against the pin on built-in networks).
    let decimals: UInt8
    let adapters: [any MarketAdapter]
    let feed: PriceFeed
    let sequencer: SequencerUptimeFeed?
    let feePolicy: FeePolicy
    let options: LiveChainOptions
    let nonces = NonceManager()
    /// Share prices observed since the engine last took them (see `takeEffects`).
    nonisolated let effects = ChainEffects()
    var sharePrices: [MarketID: SharePriceHistory] = [:]
    /// What the share-price store held at the first read (loaded once).
    var loadedSharePrices: [String: [SharePriceObservation]]?
    /// The ETH/USD round later rounds are compared with: the last accepted one, renewed at most
    /// hourly (loaded from the store at the first quote).
    var lastAcceptedPrice: PriceFeed.Accepted?
    var loadedLastPrice = false

    init(network: NetworkConfig, client: EthClient, wallet: Address, signer: (any Signer)?, decimals: UInt8, adapters: [any MarketAdapter],
         feed: PriceFeed, options: LiveChainOptions, fence: TreasuryFence? = nil) {
        self.treasury = fence?.safe ?? wallet
        self.route = fence.map { .roles(module: $0.rolesModule, roleKey: $0.roleKey) } ?? .direct
        self.fenceLogsFromBlock = fence?.logsFromBlock ?? 0
        self.operatorAddress = wallet.checksummed
        self.decimals = decimals
        self.resolvedAddresses = [(AddressRole.usdc.rawValue, network.usdc), (AddressRole.ethUSDFeed.rawValue, network.ethUSDFeed)]
            + adapters.flatMap { $0.roles.map { ($0.role.rawValue, $0.address) } }
        self.networkName = network.name
        self.network = network
        self.client = client
        self.signer = signer
        self.wallet = wallet
        self.walletAddress = (fence?.safe ?? wallet).checksummed
        self.adapters = adapters
        self.feed = feed
        self.options = options
        self.sequencer = network.sequencerUptimeFeed.map { SequencerUptimeFeed(address: $0, graceSeconds: options.sequencerGraceSeconds) }
        self.feePolicy = FeePolicy(ceilingGwei: options.maxFeeGwei ?? network.defaultMaxFeeGwei, maxWaitSeconds: options.feeWaitSeconds,
                                   pollSeconds: options.feePollSeconds)
    }

    /// The signer, or an error on a watch-only chain: nothing can be signed without a key.
    func requireSigner() throws(LiveChainError) -> any Signer {
        guard let signer else { throw .watchOnly(walletAddress) }
        return signer
    }

    func adapter(_ p: MarketID) throws(LiveChainError) -> any MarketAdapter {
        if let reason = p.notMovableReason { throw .notALendingMarket(reason) }
        guard let a = adapters.first(where: { $0.marketID == p }) else { throw .marketNotConfigured(p) }
        return a
    }

    // MARK: - Reads

    /// Every market's rate, size and the wallet's position, with the reads of `alongside` (the wallet's
    /// USDC, the fee inputs) and the latest block in the same request: one JSON-RPC batch — one HTTP
    /// round trip — whose market reads are one Multicall3 `aggregate3` where the network names one;
    /// a second only for markets whose reads need the first's answers (`followUpCalls`: the Morpho
    /// vault's shares → assets). Each market answers on its own: one that cannot be read is that
    /// market's error, never a zero, and the others are read all the same.
    func readAll(_ selected: [any MarketAdapter], alongside: ScanAlongside = ScanAlongside()) async throws(LiveChainError) -> MarketReads {
        let firstCalls = selected.map { $0.scanCalls(wallet: treasury) }
        let answers = try await client.read(grouped: firstCalls.flatMap { $0 } + alongside.grouped, multicall: network.multicall3,
                                            single: alongside.single, extra: [Self.latestBlock] + alongside.extra)
        let head = try EthClient.value(answers.extra[0])
        let timestamp = try Self.timestamp(of: head, wallTime: Self.unixSeconds(options.wallClock.now()))
        var first: [Result<[[UInt8]], LiveChainError>] = [], offset = 0
        for calls in firstCalls {
            first.append(Self.every(answers.grouped[offset..<offset + calls.count]))
            offset += calls.count
        }
        let alongsideAnswers = Array(answers.grouped[offset...])
        var followUps: [[ContractCall]] = []
        for (i, a) in selected.enumerated() {
            guard case .success(let answers) = first[i] else { followUps.append([]); continue }
            do { followUps.append(try a.followUpCalls(first: answers)) } catch {
                first[i] = .failure(error)
                followUps.append([])
            }
        }
        var second: [Result<[[UInt8]], LiveChainError>] = followUps.map { _ in .success([]) }
        if followUps.contains(where: { !$0.isEmpty }) {
            let answers = try await client.read(grouped: followUps.flatMap { $0 }, multicall: network.multicall3)
            offset = 0
            for (i, calls) in followUps.enumerated() {
                second[i] = Self.every(answers.grouped[offset..<offset + calls.count])
                offset += calls.count
            }
        }
        var readings: [Result<MarketReading, LiveChainError>] = []
        for (i, a) in selected.enumerated() {
            do {
                var r = try a.reading(first: try first[i].get(), second: try second[i].get())
                if let price = r.sharePrice {
                    var history = sharePrices[a.marketID]
                        ?? SharePriceHistory(minimumWindow: options.vaultAPYWindowSeconds,
                                             observations: storedSharePrices()[SharePriceHistory.storeKey(vault: a.market)] ?? [])
                    (r.apy, r.note, r.apyMeasured) = history.record(price: price, at: timestamp)
                    sharePrices[a.marketID] = history
                    saveSharePrices()
                }
                readings.append(.success(r))
            } catch {
                readings.append(.failure(error))
            }
        }
        // The block the reads were made at (the batch asks for "latest" throughout), for the position history.
        let block = head["number"]?.stringValue.flatMap { try? Hex.parseQuantity($0) }.flatMap { $0 <= UInt64(Int64.max) ? $0 : nil }
        return MarketReads(readings: readings, timestamp: timestamp, block: block, head: head, grouped: alongsideAnswers,
                           single: answers.single, extra: Array(answers.extra.dropFirst()))
    }

    /// Every market's rate, the wallet's position there, whether the rate is measured (a vault's
    /// is not before its first share-price window) and what the market can pay out now.
    public func scanMarkets(token: Token) async throws -> [MarketSnapshot] {
        try snapshots(try await readAll(adapters), token: token)
    }

    /// The snapshots of every market `reads` holds; when any could not be read, an error naming each
    /// such market and why.
    func snapshots(_ reads: MarketReads, token: Token) throws(LiveChainError) -> [MarketSnapshot] {
        let at = Date(timeIntervalSince1970: TimeInterval(reads.timestamp))
        let read = try Self.everyMarket(adapters, reads.readings)
        return read.map { a, r in
            MarketSnapshot(quote: YieldQuote(marketID: a.marketID, token: token, apy: r.apy, tvlUSD: r.tvlUSD, observedAt: at),
                           position: TokenAmount(baseUnits: r.position, decimals: token.decimals), apyMeasured: r.apyMeasured,
                           withdrawableLiquidity: r.liquidity.map { TokenAmount(baseUnits: $0, decimals: token.decimals) }, block: reads.block,
                           supply: r.supply.map { TokenAmount(baseUnits: $0, decimals: token.decimals) }, utilization: r.utilization,
                           rateModel: r.rateModel)
        }
    }

    /// Every configured market for `mammon markets`, the ones the engine never uses included; a
    /// market that cannot be read says why, and the others are listed all the same.
    public func listings(token: Token) async throws -> [MarketListing] {
        let reads = try await readAll(adapters)
        var out = zip(adapters, reads.readings).map { a, result in
            switch result {
            case .success(let r):
                MarketListing(marketID: a.marketID, address: a.market.checksummed, apy: r.apy, tvlUSD: r.tvlUSD,
                              position: TokenAmount(baseUnits: r.position, decimals: token.decimals), note: r.note)
            case .failure(let error):
                MarketListing(marketID: a.marketID, address: a.market.checksummed, apy: nil, tvlUSD: nil, position: nil,
                              note: "could not be read: \(error)")
            }
        }
        for case .amm(let id, let router) in network.markets {
            out.append(MarketListing(marketID: id, address: router?.checksummed ?? "-", apy: nil, tvlUSD: nil, position: nil,
                                     note: "listed only: \(id.notMovableReason!); USDC there needs a swap into the pair token and earns fees or emissions, not a supply rate"))
        }
        return out
    }

    public func walletBalance(token: Token) async throws -> TokenAmount {
        try idleAmount(try await client.call(walletBalanceCall), token: token)
    }

    public func position(in market: MarketID, token: Token) async throws -> TokenAmount {
        let reading = try await readAll([try adapter(market)]).readings[0].get()
        return TokenAmount(baseUnits: reading.position, decimals: token.decimals)
    }

    /// The sequencer's status (where the network has an uptime feed), ETH/USD checked for
    /// staleness and for its change since the last accepted round, the fee cap the next step would
    /// use (tip capped), and the L1 data fee of a typical step on OP-stack networks. One round trip.
    public func feeQuote() async throws -> FeeQuote {
        let reads = feeReads
        let (answers, extra) = try await client.batch(reads.calls, extra: [Self.latestBlock] + reads.extra)
        return try fee(answers, head: try EthClient.value(extra[0]), history: extra[1], tip: extra[2])
    }

    /// What a fee quote reads besides the latest block: ETH/USD, the sequencer's status, the L1 fee
    /// (each its own `eth_call`, never through Multicall3: a Chainlink proxy may admit off-chain
    /// readers, `tx.origin`, and refuse a contract calling for them), then the base fee and the tip.
    var feeReads: (calls: [ContractCall], extra: [RPCCall]) {
        var calls = [PriceFeed.latestRoundDataCall(feed.address)]
        if let sequencer { calls.append(sequencer.call) }
        if let oracle = network.gasPriceOracle { calls.append(L1Fee.call(oracle: oracle)) }
        return (calls, [RPCCall("eth_feeHistory", [.string("0x1"), "latest", .array([])]), RPCCall("eth_maxPriorityFeePerGas")])
    }

    /// The fee quote from the answers to `feeReads` and the latest block.
    func fee(_ answers: [[UInt8]], head: JSONValue, history: Result<JSONValue, RPCError>,
             tip tipAnswer: Result<JSONValue, RPCError>) throws -> FeeQuote {
        let wall = Self.unixSeconds(options.wallClock.now())
        if let sequencer { try sequencer.check(answers[1], wallTime: wall) }
        let ethUSD = try feed.price(from: answers[0], blockTime: try Self.timestamp(of: head, wallTime: wall), wallTime: wall)
        let last = lastAccepted()
        try feed.checkChange(ethUSD, last: last, wallTime: wall, maxChangePercentPerHour: options.ethUSDMaxChangePercentPerHour)
        let reference = PriceFeed.reference(after: last, accepting: ethUSD, at: wall)
        if reference != last { accept(reference) }
        let (baseFee, tip) = try EthClient.feeInputs(history: try EthClient.value(history), tip: tipAnswer)
        let maxFee = feePolicy.fees(baseFee: baseFee, tip: tip).maxFeePerGas
        var l1Wei: UInt128 = 0
        if network.gasPriceOracle != nil {
            l1Wei = try NodeBounds.uint128(try UInt256.word(0, of: answers[answers.count - 1], call: "GasPriceOracle getL1Fee"),
                                           atMost: NodeBounds.maxL1FeeWei, call: "GasPriceOracle getL1Fee", unit: " wei")
        }
        let l1USD = Decimal(string: String(l1Wei))! / Decimal.powerOfTen(18) * ethUSD
        return FeeQuote(maxFeePerGasGwei: Decimal(string: String(maxFee))! / Decimal.powerOfTen(9), ethUSD: ethUSD,
                        l1FeeUSDPerTransaction: l1USD, l1FeeWeiPerTransaction: l1Wei)
    }

    /// The last accepted ETH/USD round: this process's, else the one the store kept.
    func lastAccepted() -> PriceFeed.Accepted? {
        if !loadedLastPrice {
            loadedLastPrice = true
            lastAcceptedPrice = PriceFeed.accepted(from: storedSharePrices()[feed.storeKey])
        }
        return lastAcceptedPrice
    }

    /// Remembers an accepted round, in the store too (best effort, as share prices are).
    func accept(_ accepted: PriceFeed.Accepted) {
        lastAcceptedPrice = accepted
        loadedLastPrice = true
        guard options.sharePriceStore != nil, let row = PriceFeed.stored(accepted) else { return }
        _ = storedSharePrices()
        loadedSharePrices?[feed.storeKey] = [row]
        saveSharePrices()
    }

    /// Gas for planning a move, before any of its steps is sent: the per-protocol table, because a
    /// deposit cannot be estimated before its approval is mined. `prepare` estimates each step for real.
    public func gasEstimate(_ action: ChainAction) async throws -> UInt64 {
        let units: UInt64 = switch action {
        case .withdraw(let p, _, _, _): GasUnits.withdraw(p)
        case .approve: GasUnits.approve
        case .deposit(let p, _, _): GasUnits.deposit(p)
        }
        return units + route.overheadGas
    }

    /// The largest gas limit `prepare` signs for the action (`GasLimitCaps`, plus the route's overhead);
    /// it refuses above it.
    public func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { GasLimitCaps.cap(for: action) + route.overheadGas }

    /// The key a vault's share prices have in the `SharePriceStore`.
    public static func sharePriceStoreKey(vault: Address) -> String { SharePriceHistory.storeKey(vault: vault) }

    func storedSharePrices() -> [String: [SharePriceObservation]] {
        if let loadedSharePrices { return loadedSharePrices }
        var loaded: [String: [SharePriceObservation]] = [:]
        do { loaded = try options.sharePriceStore?.load() ?? [:] } catch {
            options.notice("vault share prices could not be read (\(error)); the vault's APY is measured afresh")
        }
        loadedSharePrices = SharePriceHistory.migrated(loaded)
        return loadedSharePrices!
    }

    /// Hands every kept window to the engine, which commits it with its next commit (only where a
    /// store keeps them between runs; an emptied, migrated key deletes what the store held under it).
    func saveSharePrices() {
        guard options.sharePriceStore != nil else { return }
        var all = storedSharePrices()
        for a in adapters { if let h = sharePrices[a.marketID] { all[SharePriceHistory.storeKey(vault: a.market)] = h.observations } }
        for (key, list) in all {
            effects.record(.vaultSharePrices(vault: key, list.map { VaultSharePrice(blockTime: $0.timestamp, assetsPerShare: $0.price.decimalString) }))
        }
        loadedSharePrices = all.filter { !$0.value.isEmpty }  // emptied (migrated) keys are gone once committed
    }

    /// The share-price windows observed since the engine last took them.
    public nonisolated func takeEffects() -> [ChainEffect] { effects.take() }

    static func unixSeconds(_ date: Date) -> UInt64 {
        let t = date.timeIntervalSince1970
        return t > 0 ? UInt64(min(t, 1e15)) : 0
    }

    /// No block of a network the engine uses is older than this (2020-01-01 UTC).
    static let earliestBlockTime: UInt64 = 1_577_836_800
    /// A block may be this far ahead of the wall clock (clock skew); beyond it the node lies, and a
    /// time far ahead would freeze a vault's share-price history until the wall clock caught up.
    static let maxBlockTimeAheadSeconds: UInt64 = 900

    /// A block's timestamp, refused when it is before 2020 or more than 15 min after `wallTime`.
    static func timestamp(of block: JSONValue, wallTime: UInt64) throws(LiveChainError) -> UInt64 {
        guard let text = block["timestamp"]?.stringValue, let t = try? UInt256(hex: text) else {
            throw .badResult(call: "eth_getBlockByNumber", detail: "no timestamp in \(block.serialized.prefix(120))")
        }
        let latest = wallTime.addingReportingOverflow(maxBlockTimeAheadSeconds)
        guard let seconds = t.uint64Value, seconds >= earliestBlockTime, latest.overflow || seconds <= latest.partialValue else {
            throw .outOfRange(call: "eth_getBlockByNumber timestamp", value: t.decimalString,
                              limit: "from \(earliestBlockTime) (2020-01-01) to \(maxBlockTimeAheadSeconds) s after the wall clock \(wallTime)")
        }
        return seconds
    }
}
