import Foundation
import TestSupport
import XCTest

/// A headless engine started from the built binary that keeps running while a test does something
/// beside it; stopped with SIGTERM (or any signal) by the test.
final class RunningEngine {
    let process = Process()
    private let out = Pipe()
    private let err = Pipe()
    private(set) var stdout = Data()

    /// Starts `mammon --no-ui` with `arguments` and returns once its first cycle has finished (a
    /// status carrying next_scan_time, read line by line as it is written).
    init(_ bin: BuiltBinary, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = bin.url
        process.arguments = ["--no-ui"] + arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(MovesAtOnce.environment) { $1 }.merging(environment) { $1 }
        try process.run()
        let reader = out.fileHandleForReading
        while !String(decoding: stdout, as: UTF8.self).contains("\"next_scan_time\"") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            stdout.append(chunk)
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Signals the engine and waits for it to exit; returns its status and every event type it printed.
    func stop(_ signal: Int32 = SIGTERM) -> (status: Int32, types: [String], stderr: String) {
        kill(pid, signal)
        // A stop is bounded (STOP_BUDGET_SECONDS): an engine still alive after two minutes is hung, which
        // must fail the test rather than hang the suite.
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            XCTFail("the engine did not exit within 120 s of signal \(signal)")
            kill(pid, SIGKILL)
        }
        stdout.append(out.fileHandleForReading.readDataToEndOfFile())
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let types = String(decoding: stdout, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
        }
        return (process.terminationStatus, types, stderr)
    }
}
