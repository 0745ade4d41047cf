import Chain
import Engine
import Foundation
import GRDB
import MammonCore
@testable import Runtime
import Service
@testable import Store
import TestSupport
import XCTest

/// One event, one encoding: the bytes the event log stores are the bytes the headless stream writes
/// and every socket sends, live and in a history page.
final class EventBytesTests: XCTestCase {
    let directory = NSTemporaryDirectory() + "mammon-bytes-\(UUID().uuidString.prefix(8))"
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testTheDatabaseTheHeadlessStreamAndEverySocketCarryTheSameBytes() async throws {
        let store = try AppDatabase.open(path: directory + "/e.sqlite")
        let chain = try SimulatedChain.open(seed: 42, clock: clock, persisted: try store.simulatedLedger())
        let engine = try Engine(config: MammonConfig(), chain: chain, store: store, clock: clock, approvalMode: .manual)
        await engine.open()
        let server = try await ControlServer.start(engine: engine, store: store, controlPath: directory + "/c.sock",
                                                   observerPath: directory + "/o.sock", info: .init(network: "simulated", since: clock.now()))
        let pipe = Pipe()
        let headless = Task { await HeadlessRunner.writeLines(engine.subscribe(), to: pipe.fileHandleForWriting) }
        let observers = try [LineReader(socket: TestSocket.connect(unixPath: directory + "/o.sock")),
                             LineReader(socket: TestSocket.connect(unixPath: directory + "/c.sock"))]
        for o in observers { XCTAssertTrue(try o.line().contains("\"type\":\"hello\"")) }

        // Text a hostile node could send: quotes, controls, a bidi override, non-ASCII.
        await engine.note(source: .service, "node said \"no\"\t\u{1b}[2J \u{202e}é ✓")
        let row = try XCTUnwrap(try store.read { try Row.fetchOne($0, sql: "SELECT seq, payload FROM event WHERE payload LIKE '%node said%'") })
        let seq: Int64 = row["seq"], stored: String = row["payload"]
        XCTAssertTrue(stored.contains("\"seq\":\(seq),"), "stored with its number: \(stored)")
        let mark = "\"seq\":\(seq),"
        let streamed = try LineReader(pipe: pipe).line { $0.contains(mark) }
        XCTAssertEqual(Array(streamed.utf8), Array(stored.utf8), "the headless stream writes the stored bytes")
        for o in observers {
            XCTAssertEqual(Array(try o.line { $0.contains(mark) }.utf8), Array(stored.utf8), "each socket sends the stored bytes")
        }
        // A history page carries the stored line as it is.
        try observers[0].send("{\"history\":{\"after\":\(seq - 1),\"through\":\(seq),\"limit\":10},\"request_id\":\"h\"}")
        let page = try observers[0].line { $0.contains("\"request_id\":\"h\"") }
        XCTAssertTrue(page.hasSuffix("\"events\":[\(stored)]}"), page)

        await server.close()
        _ = await engine.shutdown()
        await headless.value
    }
}

/// Newline-terminated lines from a socket or a pipe, as bytes arrive (reads on a socket time out after 30 s).
private final class LineReader {
    let fd: Int32
    private var pending: [UInt8] = []
    private let owned: Bool

    init(socket: Int32) { fd = socket; owned = true }
    init(pipe: Pipe) { fd = pipe.fileHandleForReading.fileDescriptor; owned = false }
    deinit { if owned { close(fd) } }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw TestSocket.Failure(description: "write failed") }
    }

    /// The next line that `matches`.
    func line(_ matches: (String) -> Bool = { _ in true }) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if matches(line) { return line }
            }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw TestSocket.Failure(description: "closed before the line came") }
            pending.append(contentsOf: buffer[0..<n])
        }
    }
}
