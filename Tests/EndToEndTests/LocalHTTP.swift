import Foundation
import TestSupport
import XCTest

/// Small TCP helpers for tests on 127.0.0.1.
enum LocalHTTP {
    /// A port nothing listens on right now (bound to 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw HTTPGet.Failure(description: "cannot bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `probe` until it returns a value or `seconds` pass (then nil). The wait between tries is
    /// pacing, not an assertion: the test asserts on what the probe saw.
    static func waitFor<T>(seconds: Double, every interval: Double = 0.2, _ probe: () throws -> T?) rethrows -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let value = try probe() { return value }
            if Date() >= deadline { return nil }
            usleep(UInt32(interval * 1_000_000))
        }
    }
}

/// A tool from a Debian package the tests need (`promtool`, `prometheus`): its path, or a skip when
/// it is missing; under `make test` (MAMMON_REQUIRE_ALL_SUITES=1, which installs it) a failure.
enum RequiredTool {
    static func path(_ name: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        let message = "\(name) is not installed (Debian package \(package); `make test` installs it)"
        if ProcessInfo.processInfo.environment["MAMMON_REQUIRE_ALL_SUITES"] == "1" { XCTFail(message, file: file, line: line) }
        throw XCTSkip(message)
    }
}

/// An HTTP server on 127.0.0.1 that records each request line and answers every request with one
/// status: a heartbeat receiver. One connection at a time, `Connection: close`.
final class PingReceiver: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var lines: [String] = []
    private let status: Int
    private let thread: Thread

    init(status: Int = 200) throws {
        self.status = status
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = self.fd
        let ok = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok, listen(fd, 16) == 0 else { throw HTTPGet.Failure(description: "cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let box = Box()
        thread = Thread { box.receiver?.serve() }
        box.receiver = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var receiver: PingReceiver? }

    /// Request lines received so far (`GET /path HTTP/1.1`).
    var requests: [String] { lock.withLock { lines } }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: data, as: UTF8.self).contains("\r\n\r\n") {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            if let line = String(decoding: data, as: UTF8.self).split(separator: "\r\n").first {
                lock.withLock { lines.append(String(line)) }
            }
            let answer = "HTTP/1.1 \(status) X\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
            _ = answer.withCString { write(client, $0, strlen($0)) }
            close(client)
        }
    }
}
