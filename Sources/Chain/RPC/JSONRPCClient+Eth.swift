import EVM

/// Typed reads of results and the handful of `eth_` calls the transport tests need. The full
/// `EthClient` (fees, nonces, receipts with deadlines, logs) builds on these.
extension JSONRPCClient {
    /// A result that must be a quantity fitting `UInt64` (chain id, block number, nonce, gas).
    public func requestQuantity(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> UInt64 {
        let value = try await request(method, params)
        return try Self.quantity(value, context: RPCContext(url: "", method: method))
    }

    /// A result that must be a quantity of any width (balances, rates), in canonical `0x` form.
    public func requestBigQuantity(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> String {
        let value = try await request(method, params)
        return try Self.bigQuantity(value, context: RPCContext(url: "", method: method))
    }

    /// A result that must be `0x` data (eth_call return, code).
    public func requestData(_ method: String, _ params: [JSONValue] = []) async throws(RPCError) -> [UInt8] {
        let value = try await request(method, params)
        return try Self.data(value, context: RPCContext(url: "", method: method))
    }

    public func chainID() async throws(RPCError) -> UInt64 { try await requestQuantity("eth_chainId") }

    public func blockNumber() async throws(RPCError) -> UInt64 { try await requestQuantity("eth_blockNumber") }

    /// Wei balance as a canonical `0x` quantity (it may exceed `UInt64`).
    public func balance(of address: String, block: String = "latest") async throws(RPCError) -> String {
        try await requestBigQuantity("eth_getBalance", [.string(address), .string(block)])
    }

    /// `eth_call` of `data` on `to`; a revert throws `.executionReverted` with the revert data.
    public func call(to: String, data: [UInt8], from: String? = nil, block: String = "latest") async throws(RPCError) -> [UInt8] {
        var transaction: [String: JSONValue] = ["to": .string(to), "data": .string(Hex.data(data))]
        if let from { transaction["from"] = .string(from) }
        return try await requestData("eth_call", [.object(transaction), .string(block)])
    }

    /// Broadcasts a signed transaction (`0x` hex); returns its hash.
    public func sendRawTransaction(_ raw: String) async throws(RPCError) -> String {
        let value = try await request("eth_sendRawTransaction", [.string(raw)])
        guard let hash = value.stringValue, (try? Hex.parseData(hash).count) == 32 else {
            throw .unexpectedResult(RPCContext(url: "", method: "eth_sendRawTransaction"), expected: "a 32-byte hash",
                                    got: NodeText.cut(value.serialized))
        }
        return hash
    }

    /// The receipt, or nil while the transaction is not yet in a block.
    public func transactionReceipt(_ hash: String) async throws(RPCError) -> JSONValue? {
        let value = try await request("eth_getTransactionReceipt", [.string(hash)])
        // Not `value.isNull ? nil : value`: JSONValue is ExpressibleByNilLiteral, so that `nil`
        // would be `.some(.null)`, a "receipt" for every transaction not yet mined.
        if value.isNull { return nil }
        return value
    }

    // MARK: - Result decoding (also for batch results)

    public static func quantity(_ value: JSONValue, context: RPCContext) throws(RPCError) -> UInt64 {
        guard let text = value.stringValue else {
            throw .unexpectedResult(context, expected: "a hex quantity", got: NodeText.cut(value.serialized))
        }
        do {
            return try Hex.parseQuantity(text)
        } catch {
            throw .unexpectedResult(context, expected: "a hex quantity fitting UInt64", got: error.description)
        }
    }

    public static func bigQuantity(_ value: JSONValue, context: RPCContext) throws(RPCError) -> String {
        guard let text = value.stringValue else {
            throw .unexpectedResult(context, expected: "a hex quantity", got: NodeText.cut(value.serialized))
        }
        do {
            return try Hex.normalizeQuantity(text)
        } catch {
            throw .unexpectedResult(context, expected: "a hex quantity", got: error.description)
        }
    }

    public static func data(_ value: JSONValue, context: RPCContext) throws(RPCError) -> [UInt8] {
        guard let text = value.stringValue else {
            throw .unexpectedResult(context, expected: "hex data", got: NodeText.cut(value.serialized))
        }
        do {
            return try Hex.parseData(text)
        } catch {
            throw .unexpectedResult(context, expected: "hex data", got: error.description)
        }
    }
}
