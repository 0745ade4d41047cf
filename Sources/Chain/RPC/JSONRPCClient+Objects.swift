/// The JSON-RPC 2.0 objects the client writes and reads: pure, no endpoint involved.
extension JSONRPCClient {
    static func requestObject(id: Int, method: String, params: [JSONValue]) -> JSONValue {
        ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": .array(params)]
    }

    /// The `result` of a response object, or its `error` as a typed error.
    static func result(of response: JSONValue, context: RPCContext) throws(RPCError) -> JSONValue {
        if let error = response["error"], !error.isNull {
            throw mapError(error, context: context)
        }
        guard let result = response["result"] else {
            throw .malformedResponse(context, reason: "answer has neither result nor error", truncated: false,
                                     body: NodeText.cut(response.serialized))
        }
        return result
    }

    static func mapError(_ error: JSONValue, context: RPCContext) -> RPCError {
        guard let code = error["code"]?.intValue else {
            return .malformedResponse(context, reason: "error object without an integer code", truncated: false,
                                      body: NodeText.cut(error.serialized))
        }
        // The node's words are cut where they enter; its data is kept whole only while small.
        let message = NodeText.cut(error["message"]?.stringValue ?? "")
        var data = error["data"]
        if let d = data, d.serialized.utf8.count > Self.maxErrorDataBytes { data = .string(NodeText.cut(d.stringValue ?? d.serialized)) }
        // geth and most nodes: code 3 with the revert data; some say -32000 "execution reverted" without data.
        if code == 3 || message.lowercased().contains("execution reverted") {
            return .executionReverted(context, message: message, data: revertData(in: data))
        }
        return .rpc(context, code: code, message: message, data: data)
    }

    /// Revert bytes from `error.data`: a hex string (geth) or nested as `{"data": "0x…"}` (Hardhat-like).
    private static func revertData(in data: JSONValue?) -> String? {
        if let text = data?.stringValue, text.hasPrefix("0x") { return text }
        if let nested = data?["data"]?.stringValue, nested.hasPrefix("0x") { return nested }
        return nil
    }

    /// Larger error data is replaced by its cut text (a revert reason fits several times over).
    static let maxErrorDataBytes = 4096
}
