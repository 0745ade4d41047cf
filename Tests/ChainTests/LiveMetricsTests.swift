import Chain
import Foundation
import XCTest

/// `/metrics` of an engine on the devnet: the RPC series appear, one per endpoint, labelled by host
/// and port alone; the page is fetched with the transport's own GET.
final class LiveMetricsTests: DevnetTestCase {
    private var files: LiveRunFiles?

    override func tearDown() async throws {
        files?.remove()
        try await super.tearDown()
    }

    func testTheRPCEndpointHasLatencyErrorsAndHealthSeries() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        let port = try Self.freePort()
        let engine = try SpawnedMammon(binary, [
            "--no-ui", "--network-file", files.networkFile, "--rpc-url", devnet.info.rpcURL,
            "--keystore", files.keystore, "--password-file", files.password, "--db", files.database,
        ], environment: ["METRICS_LISTEN": "127.0.0.1:\(port)"])
        let firstCycle = await engine.waitFor("\"next_scan_time\"")
        let page: HTTPResponse
        do {
            page = try await CurlTransport(url: "http://127.0.0.1:\(port)/metrics").get()
        } catch {
            _ = await engine.stop(SIGTERM)
            throw error
        }
        let status = await engine.stop(SIGTERM)
        XCTAssertTrue(firstCycle, "no first cycle: \(engine.stderr.suffix(2000))")
        XCTAssertEqual(status, 0, engine.stderr.suffix(2000).description)

        let text = String(decoding: page.body, as: UTF8.self)
        let endpoint = try XCTUnwrap(EndpointURL.host(of: devnet.info.rpcURL).map { _ in EndpointURL.label(devnet.info.rpcURL) })
        XCTAssertEqual(page.status, 200)
        for series in [#"mammon_rpc_request_duration_seconds_count{endpoint="\#(endpoint)"} "#,
                       #"mammon_rpc_request_duration_seconds_bucket{endpoint="\#(endpoint)",le="+Inf"} "#,
                       #"mammon_rpc_errors_total{endpoint="\#(endpoint)"} 0"#,
                       #"mammon_rpc_endpoint_healthy{endpoint="\#(endpoint)"} 1.0"#,
                       #"mammon_rpc_endpoint_consecutive_failures{endpoint="\#(endpoint)"} 0.0"#,
                       #"mammon_scans_total 1"#] {
            XCTAssertTrue(text.contains(series), "missing \(series) in:\n\(text)")
        }
        let count = text.split(separator: "\n").first { $0.hasPrefix("mammon_rpc_request_duration_seconds_count") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }
        XCTAssertGreaterThan(count ?? 0, 1, "a scan makes several round trips")
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw XCTSkip("cannot bind 127.0.0.1:0") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
