import MammonCore
import XCTest

/// METRICS_LISTEN, METRICS_ALLOW_REMOTE and HEARTBEAT_URL.
final class MetricsSettingsTests: XCTestCase {
    func load(_ env: [String: String]) throws(ConfigError) -> MammonConfig {
        try ConfigLoader.load(flags: [], environment: env, file: nil)
    }

    func testListenAddressesParseAndLoopbackIsTold() {
        XCTAssertEqual(ListenAddress("127.0.0.1:9464")?.port, 9464)
        XCTAssertEqual(ListenAddress("[::1]:9464")?.host, "::1")
        XCTAssertEqual(ListenAddress("LOCALHOST:1")?.description, "localhost:1")
        XCTAssertEqual(ListenAddress("[::1]:9464")?.description, "[::1]:9464")
        for bad in ["", "9464", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "example.com:9464", "256.0.0.1:80", "::1:9464",
                    "127.0.0.1:+80", "[::1]9464"] {
            XCTAssertNil(ListenAddress(bad), bad)
        }
        XCTAssertTrue(ListenAddress("127.8.0.1:80")!.isLoopback)
        XCTAssertTrue(ListenAddress("[::1]:80")!.isLoopback)
        XCTAssertFalse(ListenAddress("0.0.0.0:80")!.isLoopback)
        XCTAssertFalse(ListenAddress("[::]:80")!.isLoopback)
        XCTAssertFalse(ListenAddress("192.168.1.2:80")!.isLoopback)
    }

    func testMetricsAreOffByDefaultAndARemoteAddressMustBeAllowed() throws {
        XCTAssertNil(try load([:]).metricsListen)
        XCTAssertEqual(try load(["METRICS_LISTEN": "127.0.0.1:9464"]).metricsListen, ListenAddress("127.0.0.1:9464"))
        XCTAssertThrowsError(try load(["METRICS_LISTEN": "0.0.0.0:9464"])) { error in
            XCTAssertTrue("\(error)".contains("METRICS_ALLOW_REMOTE=true"), "\(error)")
            XCTAssertTrue("\(error)".contains("0.0.0.0:9464"), "\(error)")
        }
        XCTAssertEqual(try load(["METRICS_LISTEN": "0.0.0.0:9464", "METRICS_ALLOW_REMOTE": "true"]).metricsListen?.host, "0.0.0.0")
        XCTAssertThrowsError(try load(["METRICS_ALLOW_REMOTE": "yes"]))
        XCTAssertThrowsError(try load(["METRICS_LISTEN": "localhost"]))
    }

    func testTheHeartbeatURLIsAnHTTPURLAndItsErrorDoesNotEchoItsToken() throws {
        XCTAssertEqual(try load(["HEARTBEAT_URL": "https://hc-ping.com/0f1e"]).heartbeatURL, "https://hc-ping.com/0f1e")
        XCTAssertThrowsError(try load(["HEARTBEAT_URL": "ftp://hc-ping.com/0f1e"])) { error in
            XCTAssertTrue("\(error)".contains("HEARTBEAT_URL"), "\(error)")
            XCTAssertFalse("\(error)".contains("0f1e"), "\(error)")
        }
        XCTAssertThrowsError(try load(["HEARTBEAT_URL": "https://hc-ping.com/a b"]))
    }

    func testAPlainHTTPHeartbeatURLIsRefusedUnlessItStaysOnThisMachine() throws {
        for url in ["http://hc-ping.com/0f1e", "http://user@10.0.0.1/0f1e", "http://127.0.0.1.evil.example/0f1e"] {
            XCTAssertThrowsError(try load(["HEARTBEAT_URL": url]), url) { error in
                XCTAssertTrue("\(error)".contains("http:// only to 127.0.0.1, ::1 or localhost"), "\(error)")
                XCTAssertFalse("\(error)".contains("0f1e"), "\(error)")
            }
        }
        for url in ["http://127.0.0.1:9/0f1e", "http://localhost/0f1e", "http://[::1]:9/0f1e", "https://hc-ping.com/0f1e"] {
            XCTAssertEqual(try load(["HEARTBEAT_URL": url]).heartbeatURL, url)
        }
    }
}
