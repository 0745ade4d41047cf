import Foundation
@testable import MammonCore
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

    /// An event quoting a hostile node: the line carries no raw ESC, CSI (C1 U+009B), other C1,
    /// DEL, line/paragraph separator or bidi control, and still decodes to the very same text.
    func testTerminalAndJavaScriptControlsAreEscapedLosslessly() throws {
        let message = "a\u{1b}[2Jb\u{9b}31mc\u{85}d\u{7f}e\u{2028}f\u{2029}g\u{202e}h\u{2066}i\u{2069}j é ✓ \u{2027}\u{202f}"
        let event = EngineEvent(at: Date(timeIntervalSince1970: 0), kind: .error(source: "rpc", message: message))
        let line = try event.jsonLine()
        for escaped in ["\\u001b", "\\u009b", "\\u0085", "\\u007f", "\\u2028", "\\u2029", "\\u202e", "\\u2066", "\\u2069"] {
            XCTAssertTrue(line.contains(escaped), "\(escaped) in \(line)")
        }
        let raw = line.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || [0x2028, 0x2029, 0x202E, 0x2066, 0x2069].contains($0.value) }
        XCTAssertEqual(raw.count, 0, "raw controls left: \(raw.map { String($0.value, radix: 16) })")
        XCTAssertTrue(line.contains("j é ✓ \u{2027}\u{202f}"), "neighbours of the escaped ranges stay as they are: \(line)")
        XCTAssertEqual(try EngineEvent.fromJSON(Data(line.utf8)), event)
    }

    /// One escaper: every writer of the project writes the same text the same way (event lines,
    /// sorted blobs, `--json` reports, the socket protocol's own lines, a lone string literal).
    func testEveryLayoutAndTheSocketProtocolEscapeAStringTheSameWay() throws {
        let text = "q\" b\\ n\n t\t esc\u{1b}[2J csi\u{9b} del\u{7f} ls\u{2028} bidi\u{202e}\u{2066} é ✓ 😀 a/b"
        let literal = JSONLineWriter.quoted(text)
        XCTAssertEqual(literal, #""q\" b\\ n\n t\t esc\u001b[2J csi\u009b del\u007f ls\u2028 bidi\u202e\u2066 é ✓ 😀 a/b""#)
        struct Message: Codable { var message: String }
        XCTAssertEqual(try JSONLineWriter.encode(Message(message: text)), "{\"message\":\(literal)}")
        XCTAssertEqual(try JSONLineWriter.encode(Message(message: text), style: .sorted), "{\"message\":\(literal)}")
        XCTAssertEqual(try JSONLineWriter.encode(Message(message: text), style: .report), "{\n  \"message\" : \(literal)\n}")
        XCTAssertTrue(try ControlMessage.bye(reason: text).line().contains("\"reason\":\(literal)"))
        XCTAssertTrue(try EngineEvent(at: Date(), kind: .notice(source: "s", message: text)).jsonLine().contains("\"message\":\(literal)"))
        XCTAssertTrue(ControlMessage.line(.hello(client: text)).contains("\"client\":\(literal)"))
        XCTAssertEqual(String(decoding: JSONField.encode(["message": .string(text)]), as: UTF8.self), "{\"message\":\(literal)}", "a notifier's body")
        XCTAssertEqual(try JSONLineReader.decode(Message.self, from: "{\"message\":\(literal)}").message, text, "lossless")
    }

    /// `report` is Foundation's pretty layout (keys sorted, `"key" : value`, empty containers as an
    /// open line): `--json` outputs read as they did when Foundation wrote them.
    func testTheReportLayoutIsFoundationsPrettyLayout() throws {
        struct Row: Codable { var b: [Int]; var a: [String: Int]; var c: String; var d: Decimal; var e: Double; var z: [[String: Int]] }
        let value = ["second": [Row(b: [1, 2], a: [:], c: "x y", d: Decimal(string: "12.5")!, e: 0.25, z: [["k": 1, "j": 2], [:]])],
                     "first": [Row(b: [], a: ["y": 1, "x": 2], c: "", d: 0, e: -1.5, z: [])]]
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.prettyPrinted, .sortedKeys]
        XCTAssertEqual(try JSONLineWriter.encode(value, style: .report), String(decoding: try foundation.encode(value), as: UTF8.self))
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        XCTAssertEqual(try JSONLineWriter.encode(value, style: .sorted), String(decoding: try foundation.encode(value), as: UTF8.self))
    }

    /// A line from the engine is parsed once: the message, and the event in it, come from one parse.
    func testALineFromTheEngineIsParsedOnce() throws {
        let event = EngineEvent(sequence: 7, at: Date(timeIntervalSince1970: 1_800_000_000), kind: .notice(source: "s", message: "m"))
        let page = try ControlMessage.history(requestID: "h1", events: [event, event], complete: true).line()
        for (line, expected) in [(try event.jsonLine(), ControlMessage.event(event)),
                                 (page, .history(requestID: "h1", events: [event, event], complete: true))] {
            let parses = JSONLineReader.ParseCount()
            let message = try JSONLineReader.$parses.withValue(parses) { try ControlMessage.parse(line) }
            XCTAssertEqual(message, expected)
            XCTAssertEqual(parses.value, 1, line)
        }
        // An answer this client cannot read still names its read, from the same parse.
        XCTAssertThrowsError(try ControlMessage.parse(#"{"type":"history","request_id":"h2","complete":true,"events":[{"type":"no.such"}]}"#)) {
            guard case ControlProtocolError.unreadableAnswer(let id, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(id, "h2")
        }
    }

    /// An event carries the line it was written as: sent again, the same bytes go out; any change forgets it.
    func testAnEncodedEventKeepsItsLineUntilItChanges() throws {
        var event = try EngineEvent(sequence: 3, at: Date(timeIntervalSince1970: 0), kind: .scanStarted(cycle: 1)).encoded()
        let line = try XCTUnwrap(event.encodedLine)
        XCTAssertEqual(try ControlMessage.event(event).line(), line)
        XCTAssertEqual(try EngineEvent.decode(line: line).encodedLine, line)
        XCTAssertEqual(try EngineEvent.decode(line: line), event, "equality ignores the line")
        event.sequence = 4
        XCTAssertNil(event.encodedLine)
        XCTAssertTrue(try event.jsonLine().contains("\"seq\":4"))
    }

    func testDatesAreISO8601UTC() throws {
        struct T: Encodable { var at: Date }
        XCTAssertEqual(try JSONLineWriter.encode(T(at: Date(timeIntervalSince1970: 0.5))), "{\"at\":\"1970-01-01T00:00:00.500Z\"}")
    }
}

final class DecimalPlainStringTests: XCTestCase {
    func testMatchesFoundationForManyValues() {
        let samples = ["0", "1", "-1", "1500", "0.0027", "-12.5", "3.35", "1e5", "123456789012345678901234567890.123456",
                       "0.000000000000000001", "-0.5", "100", "999999", "2.10", "340282366920938463463374607431768211455"]
        for s in samples {
            let d = Decimal(string: s)!
            XCTAssertEqual(d.plainString, NSDecimalNumber(decimal: d).stringValue, s)
            XCTAssertEqual(Decimal(string: d.plainString), d, s)
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let d = Decimal(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &g)).shifted(by: Int.random(in: -20...5, using: &g))
            XCTAssertEqual(Decimal(string: d.plainString), d, "\(d)")
        }
    }
}
