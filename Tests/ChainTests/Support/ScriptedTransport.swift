import Chain
import Foundation

/// An endpoint in memory: answers `eth_chainId` with `chainID` and every other method with
/// `result`, or fails like a host that refuses connections while `down`. Records what it served.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    let url: String
    private let lock = NSLock()
    private var isDown: Bool
    private var reportedChainID: UInt64
    private var served: [String] = []
    private let result: JSONValue

    init(url: String, chainID: UInt64, down: Bool = false, result: JSONValue = "0x1") {
        self.url = url
        self.reportedChainID = chainID
        self.isDown = down
        self.result = result
    }

    var down: Bool {
        get { lock.withLock { isDown } }
        set { lock.withLock { isDown = newValue } }
    }

    /// Every method answered, in order (a batch counts each of its calls).
    var methods: [String] { lock.withLock { served } }

    func post(_ body: [UInt8]) async throws(TransportError) -> HTTPResponse {
        let (down, chainID) = lock.withLock { (isDown, reportedChainID) }
        if down { throw TransportError(url: url, kind: .couldNotConnect, code: 7, message: "Failed to connect: Connection refused") }
        guard let request = try? JSONValue.parse(body) else { return HTTPResponse(status: 400, body: Array("bad request".utf8)) }
        func answer(_ call: JSONValue) -> JSONValue {
            let method = call["method"]?.stringValue ?? ""
            lock.withLock { served.append(method) }
            let value: JSONValue = method == "eth_chainId" ? .string("0x" + String(chainID, radix: 16)) : result
            return ["jsonrpc": "2.0", "id": call["id"] ?? .null, "result": value]
        }
        let response: JSONValue = request.arrayValue.map { .array($0.map(answer)) } ?? answer(request)
        return HTTPResponse(status: 200, body: response.utf8Bytes, reusedConnection: true)
    }
}
