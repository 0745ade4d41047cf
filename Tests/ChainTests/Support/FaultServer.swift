import Chain
import Foundation

/// Tests/Devnet/fault_server.py: an endpoint that fails in the way its URL path names.
final class FaultServer: @unchecked Sendable {
    let server: PythonServer
    let baseURL: String

    static func start() async throws -> FaultServer {
        let server = try await PythonServer.start(script: "fault_server.py", arguments: [])
        return FaultServer(server: server, baseURL: server.readyLine["url"]?.stringValue ?? "")
    }

    private init(server: PythonServer, baseURL: String) {
        self.server = server
        self.baseURL = baseURL
    }

    func url(_ path: String) -> String { baseURL + path }

    /// POSTs the server received on `path`, read from its own GET /stats (not counted).
    func requestCount(_ path: String) async throws -> Int {
        let response = try await CurlTransport(url: baseURL + "/stats").post(Array("{}".utf8))
        return try JSONValue.parse(response.body)[path]?.intValue ?? 0
    }

    func stop() { server.stop() }
}

/// A URL on 127.0.0.1 where nothing listens: a port the kernel gave us, then closed.
func unreachableURL() -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
}
