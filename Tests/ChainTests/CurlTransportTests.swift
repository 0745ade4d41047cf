import Chain
import XCTest

final class CurlTransportTests: XCTestCase {
    func testUnsupportedSchemeIsABadURLWithoutTouchingTheNetwork() async throws {
        let transport = try CurlTransport(url: "ftp://127.0.0.1:1/")
        do {
            _ = try await transport.post(Array("{}".utf8))
            XCTFail("only http and https are allowed")
        } catch {
            XCTAssertEqual(error.kind, .badURL)
            XCTAssertEqual(error.url, "ftp://127.0.0.1:1/")
            XCTAssertFalse(error.message.isEmpty)
        }
    }
}
