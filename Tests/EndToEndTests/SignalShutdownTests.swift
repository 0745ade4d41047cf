import Foundation
import XCTest

/// SIGINT and SIGTERM stop a running headless engine cleanly with exit 0.
final class SignalShutdownTests: XCTestCase {
    func runUntilFirstCycleThenSignal(_ signal: Int32) throws -> (status: Int32, types: [String]) {
        let bin = try BuiltBinary.require()
        let dir = NSTemporaryDirectory() + "mammon-sig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = bin.url
        p.arguments = ["--no-ui", "--db", dir + "/s.sqlite"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Blocking reads until the first cycle has finished: events arrive line by line, live.
        var buffer = Data()
        let reader = out.fileHandleForReading
        while !String(decoding: buffer, as: UTF8.self).contains("\"type\":\"scan.finished\"") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        kill(p.processIdentifier, signal)
        buffer.append(reader.readDataToEndOfFile())
        p.waitUntilExit()
        let types = String(decoding: buffer, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
        }
        return (p.terminationStatus, types)
    }

    func testSIGINTStopsCleanly() throws {
        let r = try runUntilFirstCycleThenSignal(SIGINT)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.types.first { $0.hasPrefix("scheduler.") && $0 != "scheduler.status" }, "scheduler.started")
        XCTAssertTrue(r.types.contains("scheduler.stopped"))
    }

    func testSIGTERMStopsCleanly() throws {
        let r = try runUntilFirstCycleThenSignal(SIGTERM)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.types.contains("scheduler.stopped"))
    }
}
