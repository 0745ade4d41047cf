import Foundation
import MammonCore
import XCTest

final class JSONLineWriterTests: XCTestCase {
    struct Inner: Codable, Equatable { var n: Int8; var u: UInt32; var d: Double; var tags: [String] }
    struct Outer: Codable, Equatable {
        var text: String
        var amount: Decimal
        var missing: String?
        var flag: Bool
        var inner: Inner
        var list: [Inner]
        var nested: [[Int]]
        var empty: [String]
        var map: [String: Int]
    }

    func testOutputIsValidJSONThatDecodesToTheSameValue() throws {
        let value = Outer(text: "quote \" backslash \\ newline \n tab \t bell \u{7} é ✓", amount: Decimal(string: "-12.345678901234567890")!,
                          missing: nil, flag: true, inner: Inner(n: -8, u: 4_000_000_000, d: 1.5, tags: ["a", "b"]),
                          list: [Inner(n: 1, u: 2, d: 0, tags: []), Inner(n: 3, u: 4, d: -2.25, tags: ["x"])],
                          nested: [[1, 2], [], [3]], empty: [], map: ["k": 1])
        let line = try JSONLineWriter.encode(value)
        XCTAssertFalse(line.contains("\n"))
        XCTAssertFalse(line.contains("missing"), "nil values are omitted")
        XCTAssertTrue(line.contains("\"amount\":-12.34567890123456789,"), "decimals are exact numbers: \(line)")
        XCTAssertTrue(line.contains("\\u0007"))
        XCTAssertEqual(try JSONDecoder().decode(Outer.self, from: Data(line.utf8)), value)
    }

    func testDatesAreISO8601UTC() throws {
        struct T: Encodable { var at: Date }
        XCTAssertEqual(try JSONLineWriter.encode(T(at: Date(timeIntervalSince1970: 0.5))), "{\"at\":\"1970-01-01T00:00:00.500Z\"}")
    }
}
