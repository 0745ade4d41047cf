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
}
