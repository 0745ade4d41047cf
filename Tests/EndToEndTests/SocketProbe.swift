import Foundation

/// A minimal client of the engine's socket written against the documented wire format (no Mammon
/// code): connects, reads the hello, sends one line, returns the answer. What another tool would do.
enum SocketProbe {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Sends `{"command": name, "request_id": "probe"}` and returns the `command.response` line.
    static func command(_ name: String, id: String? = nil, socket path: String) throws -> [String: Any] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1)) }
        let rc = withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw Failure(description: "connect \(path): \(String(cString: strerror(errno)))") }
        var request = "{\"command\":\"\(name)\",\"request_id\":\"probe\""
        if let id { request += ",\"id\":\"\(id)\"" }
        request += "}\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw Failure(description: "the engine closed the connection before answering") }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                   object["type"] as? String == "command.response", object["request_id"] as? String == "probe" {
                    return object
                }
            }
        }
    }
}
