import Foundation
import XCTest

/// SIGINT and SIGTERM stop a running headless engine cleanly with exit 0.
final class SignalShutdownTests: XCTestCase {
    func runUntilFirstCycleThenSignal(_ signal: Int32, environment: [String: String] = [:],
                                      whileRunning: (BuiltBinary, String) throws -> Void = { _, _ in }) throws -> (status: Int32, types: [String]) {
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
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try p.run()
        // Blocking reads until the first cycle has finished and the next scan is scheduled (a status
        // carrying next_scan_time): events arrive line by line, live.
        var buffer = Data()
        let reader = out.fileHandleForReading
        while !String(decoding: buffer, as: UTF8.self).contains("\"next_scan_time\"") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        try whileRunning(bin, dir + "/s.sqlite")
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

    func testStatusReadsTheDatabaseWhileAnotherProcessRunsTheEngine() throws {
        var report: [String: Any] = [:]
        let r = try runUntilFirstCycleThenSignal(SIGTERM, environment: ["APPROVAL_MODE": "5000"]) { bin, db in
            let status = try bin.run(["status", "--json", "--db", db])
            XCTAssertEqual(status.status, 0, status.stderr)
            report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        }
        XCTAssertEqual(r.status, 0)
        let status = try XCTUnwrap(report["status"] as? [String: Any])
        XCTAssertEqual(status["state"] as? String, "running")
        XCTAssertEqual(status["approval_mode"] as? String, "manual above $5000.00", "the running engine's mode, not this command's")
        XCTAssertEqual((status["wallet_address"] as? String)?.hasPrefix("0x"), true)
        XCTAssertEqual(status["total_scans"] as? Int, 1)
        XCTAssertEqual(status["rebalances_today"] as? Int, 2)
        XCTAssertNotNil(status["next_scan_time"] as? String)
        XCTAssertTrue((report["engine_process"] as? String)?.hasPrefix("pid ") == true && (report["engine_process"] as? String)?.contains("exited") == false)
    }

    func testSIGTERMStopsCleanly() throws {
        let r = try runUntilFirstCycleThenSignal(SIGTERM)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.types.contains("scheduler.stopped"))
    }
}
