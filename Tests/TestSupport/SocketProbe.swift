import Foundation

/// A minimal client of the engine's socket written against the documented wire format (no Mammon
/// code): connects, reads the hello, sends one line, returns the answer. What another tool would do.
public enum SocketProbe {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Sends `{"command": name, "request_id": "probe"}` and returns the `command.response` line.
    public static func command(_ name: String, id: String? = nil, socket path: String) throws -> [String: Any] {
        let fd = try TestSocket.connect(unixPath: path)
        defer { close(fd) }
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
