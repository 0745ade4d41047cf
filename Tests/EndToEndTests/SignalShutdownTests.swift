import Foundation
import TestSupport
import XCTest

/// SIGINT, SIGTERM and SIGHUP stop a running headless engine cleanly with exit 0.
final class SignalShutdownTests: XCTestCase {
    /// `coreDumpsAllowed`: start it through a shell that first raises the core-file limit to the
    /// hard limit, so what the engine does about core dumps is visible in /proc/<pid>/limits.
    func runUntilFirstCycleThenSignal(_ signal: Int32, environment: [String: String] = [:], coreDumpsAllowed: Bool = false,
                                      whileRunning: (BuiltBinary, String, Int32) throws -> Void = { _, _, _ in })
        throws -> (status: Int32, types: [String]) {
        let bin = try BuiltBinary.require()
        let dir = NSTemporaryDirectory() + "mammon-sig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = bin.url
        p.arguments = ["--no-ui", "--db", dir + "/s.sqlite"]
        if coreDumpsAllowed {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", #"ulimit -S -c "$(ulimit -H -c)" && exec "$0" "$@""#, bin.url.path] + p.arguments!
        }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        p.environment = ProcessInfo.processInfo.environment.merging(MovesAtOnce.environment) { $1 }.merging(environment) { $1 }
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
        try whileRunning(bin, dir + "/s.sqlite", p.processIdentifier)
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
        let r = try runUntilFirstCycleThenSignal(SIGTERM, environment: ["APPROVAL_MODE": "5000"]) { bin, db, _ in
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

    /// The session that started a headless run hung up: an orderly stop, not death by SIGHUP.
    func testSIGHUPStopsCleanly() throws {
        let r = try runUntilFirstCycleThenSignal(SIGHUP)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.types.contains("scheduler.stopped"))
    }

    /// The engine holds keys in memory: it turns core dumps off itself (soft and hard limit), even
    /// when started with them allowed.
    func testTheRunningEngineCannotDumpCore() throws {
        var inherited = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &inherited), 0)
        guard inherited.rlim_max > 0 else { throw XCTSkip("the hard core-file limit is already 0 here: nothing to observe") }
        var limits: (soft: String, hard: String)?
        let r = try runUntilFirstCycleThenSignal(SIGTERM, coreDumpsAllowed: true) { _, _, pid in
            let text = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
            let fields = line.dropFirst("Max core file size".count).split(separator: " ")
            limits = (String(fields[0]), String(fields[1]))
        }
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(limits?.soft, "0")
        XCTAssertEqual(limits?.hard, "0")
    }
}
