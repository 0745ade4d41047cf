import Foundation

/// A one-shot HTTP/1.1 request over a TCP socket to 127.0.0.1 (`Connection: close`, read to EOF):
/// what a scraper sends, without any HTTP library of ours.
public enum HTTPGet {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    /// `host` is the Host header (default `127.0.0.1:PORT`, what a local scraper sends).
    public static func request(_ method: String = "GET", port: Int, path: String, host: String? = nil) throws -> Response {
        let fd = try TestSocket.connect(port: port)
        defer { close(fd) }
        let request = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP answer: \(text)") }
        let headLines = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = headLines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw Failure(description: "bad status line in \(text)")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
