@testable import Chain
import XCTest

final class JSONValueTests: XCTestCase {
    func testParsesNestedDocumentAndKeepsNumberLiterals() throws {
        let value = try JSONValue.parse(#" {"id": 7, "big": 123456789012345678901234567890, "f": -1.5e3, "ok": true, "n": null, "a": ["x", {}]} "#)
        XCTAssertEqual(value["id"]?.intValue, 7)
        XCTAssertEqual(value["big"], .number("123456789012345678901234567890"))
        XCTAssertNil(value["big"]?.intValue, "a number wider than Int must not be squeezed into one")
        XCTAssertEqual(value["f"], .number("-1.5e3"))
        XCTAssertEqual(value["ok"], .bool(true))
        XCTAssertEqual(value["n"], .null)
        XCTAssertEqual(value["a"], .array([.string("x"), .object([:])]))
    }

    func testStringEscapesAndSurrogatePairsRoundTrip() throws {
        let value = try JSONValue.parse(#""a\"b\\c\n\u00e9\ud83d\ude00\/""#)
        XCTAssertEqual(value, .string("a\"b\\c\né😀/"))
        XCTAssertEqual(try JSONValue.parse(value.serialized), value)
        XCTAssertEqual(JSONValue.string("\u{01}").serialized, #""\u0001""#)
    }

    func testSerializesWithSortedKeys() {
        let value: JSONValue = ["method": "eth_chainId", "id": 1, "params": [], "jsonrpc": "2.0"]
        XCTAssertEqual(value.serialized, #"{"id":1,"jsonrpc":"2.0","method":"eth_chainId","params":[]}"#)
    }

    func testCutOffDocumentIsReportedAsTruncated() {
        for text in [#"{"jsonrpc":"2.0","id":1,"result":"0x7a"#, "[1, 2", #"{"a":"#, "tru", "-"] {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParseError)?.truncated, true, "\(text): \(error)")
            }
        }
    }

    func testGarbageIsMalformedNotTruncated() {
        for text in ["<html>", #"{"a" 1}"#, "[1,]", "01", "1 2", #""\x""#, #""\ud800x""#, "{\"a\":\"\u{01}\"}"] {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParseError)?.truncated, false, "\(text): \(error)")
            }
        }
    }

    func testRejectsAbsurdNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssertThrowsError(try JSONValue.parse(deep))
    }
}
