/// One JSON-RPC method call, for batches.
public struct RPCCall: Sendable, Hashable {
    public let method: String
    public let params: [JSONValue]

    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }
}
