import Chain
import Foundation
import XCTest

/// The interpreter from MAMMON_TEST_PYTHON (the venv `make venv` builds). Unset means skip,
/// unless MAMMON_REQUIRE_ALL_SUITES=1 asks for every suite: then it is a failure.
func testPython() throws -> String {
    let environment = ProcessInfo.processInfo.environment
    if let python = environment["MAMMON_TEST_PYTHON"], !python.isEmpty { return python }
    if environment["MAMMON_REQUIRE_ALL_SUITES"] == "1" {
        XCTFail("MAMMON_TEST_PYTHON is unset but MAMMON_REQUIRE_ALL_SUITES=1: run `make venv` and point it at .venv/bin/python")
        throw PythonScriptError.pythonMissing
    }
    throw XCTSkip("MAMMON_TEST_PYTHON is unset: devnet tests skipped")
}

/// Tests/Devnet/<name>, found from this file's path so tests run from any directory.
func devnetScript(_ name: String) -> String {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Devnet").appendingPathComponent(name).path
}

enum PythonScriptError: Error, CustomStringConvertible {
    case pythonMissing
    case exitedBeforeReady(script: String, status: Int32, stderr: String)
    case badReadyLine(String)
    case failed(script: String, status: Int32, stderr: String)

    var description: String {
        switch self {
        case .pythonMissing: return "MAMMON_TEST_PYTHON is unset"
        case .exitedBeforeReady(let script, let status, let stderr):
            return "\(script) exited (\(status)) before its ready line: \(stderr.suffix(2000))"
        case .badReadyLine(let line): return "ready line is not JSON: \(line)"
        case .failed(let script, let status, let stderr): return "\(script) failed (\(status)): \(stderr.suffix(2000))"
        }
    }
}

/// A long-running Python helper (devnet, fault server): started with its stdin held open, ready
/// once it prints its first JSON line, stopped with SIGTERM. Closing stdin also stops it, so a
/// crashed test run leaves no server behind.
final class PythonServer: @unchecked Sendable {
    let readyLine: JSONValue
    let startupSeconds: Double
    private let process: Process
    private let stdin: Pipe
    private let stderrURL: URL

    private init(process: Process, stdin: Pipe, stderrURL: URL, readyLine: JSONValue, startupSeconds: Double) {
        self.process = process
        self.stdin = stdin
        self.stderrURL = stderrURL
        self.readyLine = readyLine
        self.startupSeconds = startupSeconds
    }

    static func start(script: String, arguments: [String]) async throws -> PythonServer {
        let python = try testPython()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [devnetScript(script)] + arguments
        let stdin = Pipe(), stdout = Pipe()
        let stderrURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("mammon-\(script)-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let started = Date()
        try process.run()
        // A watchdog, not a wait: a helper that never gets ready is killed, which ends the read below.
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let line = await readLine(stdout.fileHandleForReading)
        watchdog.cancel()
        guard let line else {
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw PythonScriptError.exitedBeforeReady(script: script, status: process.terminationStatus, stderr: stderr)
        }
        guard let ready = try? JSONValue.parse(line) else { throw PythonScriptError.badReadyLine(line) }
        return PythonServer(process: process, stdin: stdin, stderrURL: stderrURL, readyLine: ready,
                            startupSeconds: Date().timeIntervalSince(started))
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// Reads until the first newline on a background thread; nil at end of file.
    private static func readLine(_ handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { continuation.resume(returning: nil); return }
                    buffer.append(chunk)
                    if let newline = buffer.firstIndex(of: 0x0A) {
                        continuation.resume(returning: String(decoding: buffer[..<newline], as: UTF8.self))
                        return
                    }
                }
            }
        }
    }
}

/// Runs a short Python helper to completion and returns its stdout.
func runPythonScript(_ script: String, arguments: [String]) async throws -> String {
    let python = try testPython()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [devnetScript(script)] + arguments
    let stdout = Pipe(), stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard status == 0 else {
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw PythonScriptError.failed(script: script, status: status, stderr: message)
    }
    return output
}
