import EVM
import Foundation

/// A call to a contract, for `eth_call` alone or in a batch.
public struct ContractCall: Sendable, Hashable {
    public let to: Address
    public let data: [UInt8]
    /// What the call reads, for errors (`Aave getReserveData`).
    public let label: String

    public init(to: Address, data: [UInt8], label: String) {
        self.to = to
        self.data = data
        self.label = label
    }

    init(to: Address, _ signature: String, _ arguments: [ABIValue] = [], label: String) {
        self.init(to: to, data: try! ABI.encodeCall(signature, arguments), label: label)
    }
}

/// A mined transaction as the node reports it.
public struct ChainReceipt: Sendable, Hashable {
    public struct Log: Sendable, Hashable {
        public let address: String
        public let topics: [[UInt8]]
        public let data: [UInt8]
    }

    public let hash: String
    public let succeeded: Bool
    public let blockNumber: UInt64
    public let gasUsed: UInt64
    public let effectiveGasPrice: UInt128
    /// OP-stack receipts carry the L1 data fee; elsewhere zero.
    public let l1Fee: UInt128
    public let logs: [Log]
}

/// Typed `eth_` calls over a `JSONRPCClient`: reads, gas, fees, nonces, raw sends and receipts.
/// A read that fails throws; nothing here ever answers zero for a failure.
public struct EthClient: Sendable {
    public let rpc: JSONRPCClient
    public let clock: any RPCClock
    /// Batched reads (one HTTP round trip for many calls); off for providers that refuse batches.
    public let batching: Bool

    public init(rpc: JSONRPCClient, clock: any RPCClock = SystemRPCClock(), batching: Bool = true) {
        self.rpc = rpc
        self.clock = clock
        self.batching = batching
    }

    public func chainID() async throws(LiveChainError) -> UInt64 {
        do { return try await rpc.chainID() } catch { throw .rpc(error) }
    }

    /// `eth_call`; a revert throws `.reverted` with the decoded reason.
    public func call(_ call: ContractCall, from: Address? = nil, block: String = "latest") async throws(LiveChainError) -> [UInt8] {
        do {
            return try await rpc.call(to: call.to.checksummed, data: call.data, from: from?.checksummed, block: block)
        } catch {
            throw Self.mapCallError(error, label: call.label)
        }
    }

    /// `eth_call` with geth's state override set as the third parameter: the call sees `overrides`,
    /// the chain keeps its state. A node without override support answers an error (or, worse, ignores
    /// them: callers probe with a code override first).
    public func call(_ call: ContractCall, from: Address, overrides: JSONValue) async throws(LiveChainError) -> [UInt8] {
        let tx: JSONValue = ["from": .string(from.checksummed), "to": .string(call.to.checksummed), "data": .string(Hex.data(call.data))]
        do { return try await rpc.requestData("eth_call", [tx, "latest", overrides]) } catch {
            throw Self.mapCallError(error, label: call.label)
        }
    }

    /// Several `eth_call`s, each with its own state override set, in one round trip; each answers
    /// on its own (a probe expects most to miss).
    func calls(withOverrides calls: [(call: ContractCall, overrides: JSONValue)], from: Address) async throws(LiveChainError) -> [[UInt8]?] {
        let requests = calls.map { c -> RPCCall in
            let tx: JSONValue = ["from": .string(from.checksummed), "to": .string(c.call.to.checksummed), "data": .string(Hex.data(c.call.data))]
            return RPCCall("eth_call", [tx, "latest", c.overrides])
        }
        let (_, results) = try await batch([], extra: requests)
        return results.map { r in
            guard case .success(let value) = r else { return nil }
            return try? JSONRPCClient.data(value, context: RPCContext(url: "", method: "eth_call with overrides"))
        }
    }

    /// Several `eth_call`s in one HTTP round trip; any failed read fails the whole read.
    public func batch(_ calls: [ContractCall], extra: [RPCCall] = [], from: Address? = nil,
                      block: String = "latest") async throws(LiveChainError) -> (calls: [[UInt8]], extra: [Result<JSONValue, RPCError>]) {
        guard !calls.isEmpty || !extra.isEmpty else { return ([], []) }
        let results = try await send(calls.map { Self.ethCall($0, from: from, block: block) } + extra)
        var out: [[UInt8]] = []
        for (i, c) in calls.enumerated() { out.append(try Self.callData(results[i], label: c.label).get()) }
        return (out, Array(results.dropFirst(calls.count)))
    }

    /// Requests in one HTTP round trip (a JSON-RPC batch), or one request each when batching is off;
    /// each answers on its own. Throws only when a batch as a whole got no usable answer.
    func send(_ requests: [RPCCall]) async throws(LiveChainError) -> [Result<JSONValue, RPCError>] {
        var results: [Result<JSONValue, RPCError>] = []
        if batching {
            do { results = try await rpc.batch(requests) } catch { throw .rpc(error) }
        } else {
            for r in requests {
                do { results.append(.success(try await rpc.request(r.method, r.params))) } catch { results.append(.failure(error)) }
            }
        }
        return results
    }

    /// The `eth_call` request of `call`.
    static func ethCall(_ call: ContractCall, from: Address? = nil, block: String = "latest") -> RPCCall {
        var tx: [String: JSONValue] = ["to": .string(call.to.checksummed), "data": .string(Hex.data(call.data))]
        if let from { tx["from"] = .string(from.checksummed) }
        return RPCCall("eth_call", [.object(tx), .string(block)])
    }

    /// The bytes an `eth_call` answered, or why not (a revert decoded).
    static func callData(_ result: Result<JSONValue, RPCError>, label: String) -> Result<[UInt8], LiveChainError> {
        do {
            return .success(try JSONRPCClient.data(try result.get(), context: RPCContext(url: "", method: "eth_call \(label)")))
        } catch {
            return .failure(mapCallError(error, label: label))
        }
    }

    /// The value of an extra call of a batch, or its error.
    static func value(_ result: Result<JSONValue, RPCError>) throws(LiveChainError) -> JSONValue {
        do { return try result.get() } catch { throw .rpc(error) }
    }

    public func estimateGas(_ call: ContractCall, from: Address) async throws(LiveChainError) -> UInt64 {
        let tx: JSONValue = ["from": .string(from.checksummed), "to": .string(call.to.checksummed), "data": .string(Hex.data(call.data))]
        do { return try await rpc.requestQuantity("eth_estimateGas", [tx, "latest"]) } catch {
            throw Self.mapCallError(error, label: call.label)
        }
    }

    /// The `pending` transaction count, at most 2^48 (no account sends more; the nonce is signed and
    /// then counted from, so an absurd one must not get that far).
    public func pendingNonce(_ address: Address) async throws(LiveChainError) -> UInt64 {
        let nonce: UInt64
        do { nonce = try await rpc.requestQuantity("eth_getTransactionCount", [.string(address.checksummed), "pending"]) } catch {
            throw .rpc(error)
        }
        guard nonce <= 1 << 48 else { throw .outOfRange(call: "eth_getTransactionCount pending", value: String(nonce), limit: "at most 2^48") }
        return nonce
    }

    public func ethBalance(_ address: Address) async throws(LiveChainError) -> UInt256 {
        do {
            let hex = try await rpc.balance(of: address.checksummed)
            guard let v = try? UInt256(hex: hex) else { throw LiveChainError.badResult(call: "eth_getBalance", detail: hex) }
            return v
        } catch let error as RPCError {
            throw .rpc(error)
        } catch {
            throw error as? LiveChainError ?? .badResult(call: "eth_getBalance", detail: "\(error)")
        }
    }

    /// The next block's base fee (the last entry of `eth_feeHistory`) and the node's suggested tip.
    public func feeInputs() async throws(LiveChainError) -> (baseFee: UInt128, tip: UInt128) {
        let results: [Result<JSONValue, RPCError>]
        do {
            results = try await rpc.batch([RPCCall("eth_feeHistory", [.string("0x1"), "latest", .array([])]),
                                           RPCCall("eth_maxPriorityFeePerGas")])
        } catch { throw .rpc(error) }
        let history: JSONValue
        do { history = try results[0].get() } catch { throw .rpc(error) }
        return try Self.feeInputs(history: history, tip: results[1])
    }

    /// Base fee of the next block from an `eth_feeHistory` answer, and the tip from
    /// `eth_maxPriorityFeePerGas` (0.001 gwei when the node lacks the method: Base tips are tiny, so
    /// this is the floor rather than ethers' 1 gwei). Both are bounded: an answer the node did give
    /// is used or refused, never replaced by a default.
    static func feeInputs(history: JSONValue, tip answer: Result<JSONValue, RPCError>) throws(LiveChainError) -> (baseFee: UInt128, tip: UInt128) {
        guard let fees = history["baseFeePerGas"]?.arrayValue, let last = fees.last?.stringValue,
              let wide = try? UInt256(hex: last) else {
            throw .badResult(call: "eth_feeHistory", detail: NodeText.cut(history.serialized))
        }
        let baseFee = try NodeBounds.uint128(wide, atMost: NodeBounds.maxGasPriceWei, call: "eth_feeHistory base fee", unit: " wei")
        var tip: UInt128 = 1_000_000
        if case .success(let value) = answer {
            guard let text = value.stringValue, let t = try? UInt256(hex: text) else {
                throw .badResult(call: "eth_maxPriorityFeePerGas", detail: NodeText.cut(value.serialized))
            }
            tip = try NodeBounds.uint128(t, atMost: NodeBounds.maxGasPriceWei, call: "eth_maxPriorityFeePerGas", unit: " wei")
        }
        return (baseFee, tip)
    }

    /// Sends signed bytes. "Already known" and a nonce used by this very transaction count as sent.
    public func sendRaw(_ raw: String, hash: String) async throws(LiveChainError) {
        do {
            _ = try await rpc.sendRawTransaction(raw)
        } catch {
            if case .rpc(_, _, let message, _) = error {
                let m = message.lowercased()
                if m.contains("already known") || m.contains("known transaction") || m.contains("already imported") { return }
            }
            // Nodes word a resend differently ("nonce too low", "invalid nonce: expected n+1"):
            // if the node has these very bytes (pending or mined), the send has happened.
            if case .rpc = error, (try? await isKnown(hash)) == true { return }
            throw .rpc(error)
        }
    }

    /// The receipt, or nil while the transaction is not in a block.
    public func receipt(_ hash: String) async throws(LiveChainError) -> ChainReceipt? {
        let value: JSONValue?
        do { value = try await rpc.transactionReceipt(hash) } catch { throw .rpc(error) }
        guard let value else { return nil }
        return try Self.parseReceipt(value, hash: hash)
    }

    /// Whether the node knows the transaction (pending or mined).
    public func isKnown(_ hash: String) async throws(LiveChainError) -> Bool {
        do { return !(try await rpc.request("eth_getTransactionByHash", [.string(hash)])).isNull } catch { throw .rpc(error) }
    }

    /// `eth_getLogs` of one contract over a block range, optionally filtered by the first topic.
    public func logs(address: Address, topic0: [UInt8]? = nil, fromBlock: UInt64, toBlock: UInt64) async throws(LiveChainError) -> [ChainReceipt.Log] {
        var filter: [String: JSONValue] = ["address": .string(address.checksummed), "fromBlock": .string(Hex.quantity(fromBlock)),
                                           "toBlock": .string(Hex.quantity(toBlock))]
        if let topic0 { filter["topics"] = [.string(Hex.data(topic0))] }
        let value: JSONValue
        do { value = try await rpc.request("eth_getLogs", [.object(filter)]) } catch { throw .rpc(error) }
        guard let entries = value.arrayValue else { throw .badResult(call: "eth_getLogs", detail: NodeText.cut(value.serialized)) }
        return Self.parseLogs(entries)
    }

    static func parseLogs(_ entries: [JSONValue]) -> [ChainReceipt.Log] {
        entries.map { entry in
            let topics = (entry["topics"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { try? Hex.parseData($0) } }
            let data = entry["data"]?.stringValue.flatMap { try? Hex.parseData($0) } ?? []
            return ChainReceipt.Log(address: entry["address"]?.stringValue?.lowercased() ?? "", topics: topics, data: data)
        }
    }

    /// Polls for the receipt until `timeout` seconds pass on the injected clock.
    public func waitForReceipt(_ hash: String, timeout: Double, pollInterval: Double,
                               beat: @Sendable () -> Void = {}) async throws(LiveChainError) -> ChainReceipt {
        let deadline = clock.now() + timeout
        while true {
            if let r = try await receipt(hash) { return r }
            guard clock.now() < deadline else { throw .receiptTimeout(hash: hash, seconds: Int(timeout)) }
            beat()
            do { try await clock.sleep(seconds: pollInterval) } catch { throw .rpc(.cancelled) }
        }
    }

    /// A receipt with every quantity bounded (gas used by a block's limit, prices by
    /// `NodeBounds`); the transaction's own limits are checked by the caller, who knows them.
    static func parseReceipt(_ value: JSONValue, hash: String) throws(LiveChainError) -> ChainReceipt {
        let call = "eth_getTransactionReceipt \(hash)"
        func quantity(_ key: String) throws(LiveChainError) -> UInt256 {
            guard let text = value[key]?.stringValue, let v = try? UInt256(hex: text) else {
                throw .badResult(call: call, detail: "no \(key)")
            }
            return v
        }
        let status = try quantity("status")
        let effective = try NodeBounds.uint128(try quantity("effectiveGasPrice"), atMost: NodeBounds.maxGasPriceWei,
                                               call: "\(call) effectiveGasPrice", unit: " wei")
        let gas = try NodeBounds.atMost(try quantity("gasUsed"), UInt256(NodeBounds.maxBlockGas), call: "\(call) gasUsed").uint64Value!
        var l1Fee: UInt128 = 0
        if value["l1Fee"] != nil, value["l1Fee"] != .null {
            l1Fee = try NodeBounds.uint128(try quantity("l1Fee"), atMost: NodeBounds.maxL1FeeWei, call: "\(call) l1Fee", unit: " wei")
        }
        let logs = parseLogs(value["logs"]?.arrayValue ?? [])
        guard let block = try quantity("blockNumber").uint64Value else {
            throw .outOfRange(call: "\(call) blockNumber", value: (try? quantity("blockNumber").decimalString) ?? "?", limit: "a 64-bit block number")
        }
        return ChainReceipt(hash: hash, succeeded: status == UInt256(1), blockNumber: block, gasUsed: gas,
                            effectiveGasPrice: effective, l1Fee: l1Fee, logs: logs)
    }

    /// A revert becomes `.reverted` with its decoded reason; anything else stays an RPC error.
    static func mapCallError(_ error: RPCError, label: String) -> LiveChainError {
        if case .executionReverted(_, let message, let data) = error {
            if let data, let bytes = try? Hex.parseData(data) { return .reverted(call: label, reason: NodeText.cut(ABI.decodeRevert(bytes).description)) }
            return .reverted(call: label, reason: message.isEmpty ? "reverted without a reason" : NodeText.cut(message))
        }
        return .rpc(error)
    }
}
