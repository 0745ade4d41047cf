import Foundation
import Service
import TestSupport
import XCTest

/// The HTTP adapter on a real socket (127.0.0.1, a port the kernel picks).
final class MetricsServerTests: XCTestCase {
    func testGETMetricsAnswersTheRenderedPageAndOtherRequestsAreRefused() async throws {
        let server = try await MetricsServer.start(host: "127.0.0.1", port: 0, contentType: "text/plain; version=0.0.4; charset=utf-8") {
            Array("mammon_scans_total 3\n".utf8)
        }
        let port = server.port
        XCTAssertNotEqual(port, 0)
        let page = try await Task.detached { try HTTPGet.request(port: port, path: "/metrics") }.value
        let query = try await Task.detached { try HTTPGet.request(port: port, path: "/metrics?x=1") }.value
        let missing = try await Task.detached { try HTTPGet.request(port: port, path: "/") }.value
        let post = try await Task.detached { try HTTPGet.request("POST", port: port, path: "/metrics") }.value
        await server.close()

        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertEqual(page.body, "mammon_scans_total 3\n")
        XCTAssertEqual(query.status, 200)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.headers["allow"], "GET")
        XCTAssertThrowsError(try HTTPGet.request(port: port, path: "/metrics"), "closed: nothing listens any more")
    }

    func testAPortInUseIsReportedWithTheSetting() async throws {
        let first = try await MetricsServer.start(host: "127.0.0.1", port: 0, contentType: "text/plain") { [] }
        defer { Task { await first.close() } }
        do {
            let second = try await MetricsServer.start(host: "127.0.0.1", port: first.port, contentType: "text/plain") { [] }
            await second.close()
            XCTFail("a second listener on the same port")
        } catch {
            XCTAssertTrue("\(error)".contains("METRICS_LISTEN"), "\(error)")
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(first.port)"), "\(error)")
        }
    }
    /// DNS rebinding: a page in a local browser reaches 127.0.0.1 under a name it controls, and its
    /// requests carry that name. Only loopback names, loopback addresses and the listen address pass.
    func testARequestNamingAnotherHostIsRefused() async throws {
        let server = try await MetricsServer.start(host: "127.0.0.1", port: 0, contentType: "text/plain") { Array("ok\n".utf8) }
        let port = server.port
        let answers = try await Task.detached {
            try ["evil.example:\(port)", "evil.example", "127.0.0.1.evil.example", "localhost:\(port)", "127.0.0.1", "[::1]:\(port)", "LOCALHOST."]
                .map { ($0, try HTTPGet.request(port: port, path: "/metrics", host: $0).status) }
        }.value
        await server.close()
        XCTAssertEqual(answers.map(\.1), [421, 421, 421, 200, 200, 200, 200], "\(answers)")
    }

    /// A local account must not take the engine's descriptors: past the cap, connections are closed as
    /// they arrive, and idle ones are closed after the timeout.
    func testConnectionsAreCappedAndIdleOnesClosed() async throws {
        let server = try await MetricsServer.start(host: "127.0.0.1", port: 0, contentType: "text/plain", maxConnections: 2,
                                                   idleTimeout: .milliseconds(500)) { Array("ok\n".utf8) }
        let port = server.port
        let outcome = try await Task.detached { () -> (extra: Int, idle: [Int], seconds: Double) in
            let held = try (0..<2).map { _ in try TestSocket.connect(port: port) }
            defer { held.forEach { close($0) } }
            // Each held connection is answered once (so the server has taken it) and then left idle.
            var answer = [UInt8](repeating: 0, count: 4096)
            for fd in held {
                _ = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".withCString { write(fd, $0, strlen($0)) }
                guard read(fd, &answer, answer.count) > 0 else { throw TestSocket.Failure(description: "no answer on a held connection") }
            }
            let extra = try TestSocket.connect(port: port)
            defer { close(extra) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            for fd in held + [extra] { setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) }
            var byte: UInt8 = 0
            let refused = read(extra, &byte, 1)
            let start = Date()
            let idle = held.map { read($0, &byte, 1) }
            return (refused, idle, Date().timeIntervalSince(start))
        }.value
        XCTAssertEqual(outcome.extra, 0, "the third connection is closed at once (EOF), not left open")
        XCTAssertEqual(outcome.idle, [0, 0], "idle connections are closed (EOF), not kept")
        XCTAssertLessThan(outcome.seconds, 4, "closed by the idle timeout, not by the test's read timeout")
        let page = try await Task.detached { try HTTPGet.request(port: port, path: "/metrics") }.value
        XCTAssertEqual(page.status, 200, "places are given back when connections close")
        await server.close()
    }
}
