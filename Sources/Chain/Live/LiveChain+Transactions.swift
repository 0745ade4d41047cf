import EVM
import Foundation
import MammonCore

/// Steps on a live chain: simulate, sign, send, confirm.
extension LiveChain {
    /// The contract call an action makes.
    func contractCall(for action: ChainAction) async throws(LiveChainError) -> ContractCall {
        switch action {
        case .approve(_, let spender, let amount):
            // Exact amount, never unlimited: a compromised market can pull no more than this move.
            let market = try adapter(spender)
            return ContractCall(to: network.usdc, "approve(address,uint256)", [.address(market.spender), .uint(UInt256(amount.baseUnits))],
                                label: "USDC approve(\(spender.displayName))")
        case .withdraw(let p, _, _, _), .deposit(let p, _, _):
            return try await adapter(p).call(for: action, wallet: treasury, usdc: network.usdc, client: client)
        }
    }

    /// Simulates with `eth_call`, estimates gas (refusing a limit above `gasLimitCap`), picks fees
    /// under the ceiling, takes a nonce and signs. Nothing leaves the process; a failed simulation is
    /// an error with the decoded reason.
    public func prepare(_ action: ChainAction) async throws -> PreparedTransaction {
        let signer = try requireSigner()
        let inner = try await contractCall(for: action)
        // What the operator signs: the call itself, or the call through the treasury's Roles module,
        // whose refusal (ConditionViolation, NoMembership) surfaces here by name before anything is signed.
        let call = route.wrap(inner)
        // Spending needs a fresh, complete price round, whatever the cycle read earlier.
        _ = try await feeQuote()
        let result = try route.innerResult(try await client.call(route.simulation(inner), from: wallet), of: call)
        if case .withdraw(let p, _, _, _) = action { try adapter(p).checkSimulation(result, of: inner) }
        if case .deposit(let p, _, _) = action { try adapter(p).checkSimulation(result, of: inner) }
        let gasLimit = try Self.gasLimit(estimate: try await client.estimateGas(call, from: wallet), margin: options.gasMarginPercent,
                                          cap: GasLimitCaps.cap(for: action) + route.overheadGas, call: call.label)
        let fees = try await feePolicy.fees(from: client, notice: options.notice, beat: beat)
        let nonce = await nonces.next(chainPending: try await client.pendingNonce(wallet))
        let tx = EIP1559Transaction(chainID: network.chainID, nonce: nonce,
                                    maxPriorityFeePerGas: UInt256(fees.maxPriorityFeePerGas), maxFeePerGas: UInt256(fees.maxFeePerGas),
                                    gasLimit: gasLimit, to: call.to, data: call.data)
        let signed = try await tx.sign(with: signer)
        return PreparedTransaction(hash: signed.hashHex, rawTransaction: signed.rawHex, nonce: nonce, gasLimit: gasLimit, action: action,
                                   maxFeePerGasWei: fees.maxFeePerGas, maxPriorityFeePerGasWei: fees.maxPriorityFeePerGas)
    }

    /// Gas limit × max fee of journaled type-2 bytes (saturating), nil when they are not one.
    public nonisolated func signedWorstCaseWei(rawTransaction: String) -> UInt128? {
        guard let decoded = try? TransactionDecoder.decode(hex: rawTransaction), case .eip1559(let body) = decoded.transaction,
              let maxFee = body.maxFeePerGas.uint128Value else { return nil }
        let (worst, overflow) = UInt128(body.gasLimit).multipliedReportingOverflow(by: maxFee)
        return overflow ? .max : worst
    }

    /// A poll of a wait: the supervisor's watchdog hears that the cycle is alive.
    nonisolated var beat: @Sendable () -> Void { { [liveness = options.liveness] in liveness?.beat() } }

    /// Estimate × (100 + margin) / 100, refused above `cap` (or below a transfer's 21 000, which no
    /// contract call can use).
    static func gasLimit(estimate: UInt64, margin: UInt64, cap: UInt64, call: String) throws(LiveChainError) -> UInt64 {
        guard estimate >= 21_000 else { throw .outOfRange(call: "\(call) eth_estimateGas", value: String(estimate), limit: "at least 21000") }
        let (scaled, overflow) = estimate.multipliedReportingOverflow(by: 100 + margin)
        let limit = scaled / 100
        guard !overflow, limit <= cap else {
            throw .gasLimitAboveCap(call: call, estimate: estimate, gasLimit: overflow ? "beyond 2^64" : String(limit), cap: cap)
        }
        return limit
    }

    /// The same call at the same nonce with both fees raised by geth's replacement rule (+10 %, +1 wei),
    /// never above MAX_FEE_GWEI. Signed, not sent.
    public func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        guard let fee = tx.maxFeePerGasWei, let tip = tx.maxPriorityFeePerGasWei else { throw ReplacementError.unknownFees(tx.hash) }
        let next = try ReplacementFees.next(maxFeeWei: fee, tipWei: tip, capWei: feePolicy.ceilingWei)
        let decoded = try TransactionDecoder.decode(hex: tx.rawTransaction)
        guard case .eip1559(var body) = decoded.transaction, body.nonce == tx.nonce, body.chainID == network.chainID else {
            throw LiveChainError.badResult(call: "replacement of \(tx.hash)", detail: "the journaled bytes are not this network's type-2 transaction at nonce \(tx.nonce)")
        }
        try await checkJournaledCall(body, of: tx)
        body.maxFeePerGas = UInt256(next.maxFee)
        body.maxPriorityFeePerGas = UInt256(next.tip)
        let signed = try await body.sign(with: try requireSigner())
        return PreparedTransaction(hash: signed.hashHex, rawTransaction: signed.rawHex, nonce: tx.nonce, gasLimit: tx.gasLimit,
                                   action: tx.action, maxFeePerGasWei: next.maxFee, maxPriorityFeePerGasWei: next.tip,
                                   isCancellation: tx.isCancellation)
    }

    /// Re-signing journaled bytes signs whatever they say: they must make the call the step's action
    /// makes (the same contract and function; for a cancellation, a plain transfer to the wallet), or
    /// nothing is signed. A corrupted or tampered journal cannot turn a fee raise into another call.
    func checkJournaledCall(_ body: EIP1559Transaction, of tx: PreparedTransaction) async throws {
        let expected: (to: Address, selector: [UInt8], what: String)
        if tx.isCancellation {
            expected = (wallet, [], "a plain transfer to the wallet (cancellation)")
        } else {
            let call = try await contractCall(for: tx.action)
            expected = (call.to, Array(call.data.prefix(4)), call.label)
        }
        let selector = Array(body.data.prefix(4))
        guard body.to == expected.to, selector == expected.selector else {
            throw ReplacementError.callMismatch(hash: tx.hash,
                                                journaled: "\(body.to?.checksummed ?? "contract creation") selector \(Hex.data(selector))",
                                                expected: "\(expected.to.checksummed) selector \(Hex.data(expected.selector)) (\(expected.what))")
        }
    }

    /// A zero-value transfer to the wallet itself at the stuck transaction's nonce, both fees raised by
    /// the replacement rule: once mined, the stuck call can never be. Signed, not sent.
    public func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction {
        guard let fee = tx.maxFeePerGasWei, let tip = tx.maxPriorityFeePerGasWei else { throw ReplacementError.unknownFees(tx.hash) }
        let next = try ReplacementFees.next(maxFeeWei: fee, tipWei: tip, capWei: feePolicy.ceilingWei)
        let cancel = EIP1559Transaction(chainID: network.chainID, nonce: tx.nonce, maxPriorityFeePerGas: UInt256(next.tip),
                                        maxFeePerGas: UInt256(next.maxFee), gasLimit: 21_000, to: wallet, data: [])
        let signed = try await cancel.sign(with: try requireSigner())
        return PreparedTransaction(hash: signed.hashHex, rawTransaction: signed.rawHex, nonce: tx.nonce, gasLimit: 21_000,
                                   action: tx.action, maxFeePerGasWei: next.maxFee, maxPriorityFeePerGasWei: next.tip, isCancellation: true)
    }

    /// Sends the journaled bytes; sending them again is harmless ("already known" is success).
    public func broadcast(_ tx: PreparedTransaction) async throws {
        _ = try requireSigner()  // a watch-only chain sends nothing, not even bytes signed elsewhere
        do {
            try await client.sendRaw(tx.rawTransaction, hash: tx.hash)
        } catch {
            if case .rpc(.rpc(_, _, let message, _)) = error, message.lowercased().contains("nonce") { await nonces.resync() }
            guard case .rpc(let failure) = error, failure.isEndpointFailure || failure.isNoHealthyEndpoint,
                  await nodeTookTheSend(of: tx) else { throw error }
        }
        await nonces.broadcast(nonce: tx.nonce)
    }

    /// Whether a send that got no answer (a timeout, a dropped connection) reached the node anyway:
    /// the node knows the hash, or its pending nonce has moved past the transaction's. Then the
    /// receipt wait decides what became of it, as for any sent transaction.
    func nodeTookTheSend(of tx: PreparedTransaction) async -> Bool {
        if (try? await client.isKnown(tx.hash)) == true { return true }
        guard let pending = try? await client.pendingNonce(wallet) else { return false }
        return pending > tx.nonce
    }

    /// Waits for the receipt (bounded). A revert fails with its reason, replayed with `eth_call`;
    /// a market that logged a failure instead of reverting fails the same way.
    public func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt {
        let r = try await client.waitForReceipt(tx.hash, timeout: options.receiptTimeoutSeconds, pollInterval: options.receiptPollSeconds, beat: beat)
        return try await receipt(from: r, of: tx)
    }

    /// The receipt, or nil when the transaction is not mined within `timeout` seconds (stuck).
    public func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        do {
            let r = try await client.waitForReceipt(tx.hash, timeout: timeout, pollInterval: options.receiptPollSeconds, beat: beat)
            return try await receipt(from: r, of: tx)
        } catch {
            if case .receiptTimeout = error { return nil }
            throw error
        }
    }

    public func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus {
        if let r = try await client.receipt(tx.hash) { return .mined(try await receipt(from: r, of: tx)) }
        if try await client.isKnown(tx.hash) { return .pending }
        let mined: UInt64
        do { mined = try await client.rpc.requestQuantity("eth_getTransactionCount", [.string(operatorAddress), "latest"]) } catch {
            throw LiveChainError.rpc(error)
        }
        return mined > tx.nonce ? .replaced : .unknown
    }

    /// The wallet's transaction count at `latest` (mined) and at `pending` (with those the node holds
    /// unmined), for the start-up check that no other signer is active.
    public func transactionCounts() async throws -> (mined: UInt64, pending: UInt64) {
        let mined: UInt64
        do { mined = try await client.rpc.requestQuantity("eth_getTransactionCount", [.string(operatorAddress), "latest"]) } catch {
            throw LiveChainError.rpc(error)
        }
        let pending = try await client.pendingNonce(wallet)
        return (mined, pending)
    }

    func receipt(from r: ChainReceipt, of tx: PreparedTransaction) async throws(LiveChainError) -> TransactionReceipt {
        try checkBounds(of: r, tx: tx)
        var reason: String?
        if !r.succeeded {
            reason = await revertReason(of: tx, block: r.blockNumber)
        } else if tx.isCancellation {
            // A self-transfer: no market involved, nothing to check beyond its status.
        } else if case .withdraw(let p, _, _, _) = tx.action, let a = try? adapter(p) {
            reason = a.failure(in: r)
        } else if case .deposit(let p, _, _) = tx.action, let a = try? adapter(p) {
            reason = a.failure(in: r)
        }
        return TransactionReceipt(hash: r.hash, succeeded: reason == nil && r.succeeded, blockNumber: r.blockNumber, gasUsed: r.gasUsed,
                                  effectiveGasPriceWei: r.effectiveGasPrice, l1FeeWei: try await l1Fee(of: r, tx: tx),
                                  revertReason: reason)
    }

    /// What a receipt cannot say of the transaction it belongs to: more gas used than its signed gas
    /// limit, or a price above its signed max fee (the journaled bytes are the truth; recovery builds
    /// its transactions without the limit). Where the bytes are not at hand, MAX_FEE_GWEI bounds the price.
    func checkBounds(of r: ChainReceipt, tx: PreparedTransaction) throws(LiveChainError) {
        var gasLimit: UInt64? = tx.gasLimit > 0 ? tx.gasLimit : nil
        var maxFee = tx.maxFeePerGasWei
        if let decoded = try? TransactionDecoder.decode(hex: tx.rawTransaction), case .eip1559(let body) = decoded.transaction {
            gasLimit = body.gasLimit
            maxFee = body.maxFeePerGas.uint128Value ?? maxFee
        }
        let call = "eth_getTransactionReceipt \(r.hash)"
        if let gasLimit, r.gasUsed > gasLimit {
            throw .outOfRange(call: "\(call) gasUsed", value: String(r.gasUsed), limit: "at most the transaction's gas limit \(gasLimit)")
        }
        let priceLimit = maxFee ?? feePolicy.ceilingWei
        if r.effectiveGasPrice > priceLimit {
            throw .outOfRange(call: "\(call) effectiveGasPrice", value: "\(r.effectiveGasPrice) wei",
                              limit: "at most the \(maxFee == nil ? "MAX_FEE_GWEI ceiling" : "transaction's signed max fee") \(priceLimit) wei")
        }
    }

    /// The L1 data fee a mined transaction paid: the receipt's `l1Fee` (OP-stack nodes report it),
    /// else the GasPriceOracle's `getL1Fee` of its unsigned bytes at its block; zero off OP stack.
    func l1Fee(of r: ChainReceipt, tx: PreparedTransaction) async throws(LiveChainError) -> UInt128 {
        guard let oracle = network.gasPriceOracle, r.l1Fee == 0 else { return r.l1Fee }
        guard let decoded = try? TransactionDecoder.decode(hex: tx.rawTransaction), case .eip1559(let body) = decoded.transaction else {
            throw .badResult(call: "L1 fee of \(tx.hash)", detail: "the journaled bytes are not a type-2 transaction")
        }
        let call = ContractCall(to: oracle, "getL1Fee(bytes)", [.bytes(body.signingPayload())], label: "GasPriceOracle getL1Fee")
        let data = try await client.call(call, block: Hex.quantity(r.blockNumber))
        return try NodeBounds.uint128(try UInt256.word(0, of: data, call: call.label), atMost: NodeBounds.maxL1FeeWei, call: call.label, unit: " wei")
    }

    /// Replays a reverted transaction with `eth_call` against the state before its block.
    func revertReason(of tx: PreparedTransaction, block: UInt64) async -> String {
        guard let decoded = try? TransactionDecoder.decode(hex: tx.rawTransaction), let to = decoded.transaction.to else {
            return "reverted (the journaled transaction could not be decoded to replay it)"
        }
        let call = ContractCall(to: to, data: decoded.transaction.data, label: "replay")
        do {
            _ = try await client.call(call, from: wallet, block: Hex.quantity(block > 0 ? block - 1 : 0))
            return "reverted (replaying it before its block succeeds: the state changed in between)"
        } catch {
            if case .reverted(_, let reason) = error { return reason }
            return "reverted (replay failed: \(error))"
        }
    }
}
