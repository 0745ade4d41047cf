import Foundation
import TestSupport
import XCTest

/// Runs the built `mammon` binary (path in MAMMON_BINARY, set by `make test`).
struct BuiltBinary {
    let url: URL

    /// The binary, or a skip when it is not configured; under `make test` (MAMMON_REQUIRE_ALL_SUITES=1) a failure.
    static func require(file: StaticString = #filePath, line: UInt = #line) throws -> BuiltBinary {
        let env = ProcessInfo.processInfo.environment
        if let path = env["MAMMON_BINARY"], FileManager.default.isExecutableFile(atPath: path) {
            return BuiltBinary(url: URL(fileURLWithPath: path))
        }
        let message = "MAMMON_BINARY is not set to the built mammon binary (run `make test`)"
        if env["MAMMON_REQUIRE_ALL_SUITES"] == "1" {
            XCTFail(message, file: file, line: line)
            throw XCTSkip(message)
        }
        throw XCTSkip(message)
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("MAX_") || key.hasPrefix("MIN_") || key == "APPROVAL_MODE" { env.removeValue(forKey: key) }
        env.merge(MovesAtOnce.environment) { $1 }
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes to the end before waiting, so a full pipe never deadlocks the child.
        let errData = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errBytes = try awaitSync(errData)
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBytes, as: UTF8.self))
    }

    private func awaitSync(_ task: Task<Data, Never>) throws -> Data {
        let box = DataBox()
        let done = DispatchSemaphore(value: 0)
        Task { box.data = await task.value; done.signal() }
        done.wait()
        return box.data
    }
}

private final class DataBox: @unchecked Sendable { var data = Data() }
