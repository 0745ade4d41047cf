import Foundation
import TestSupport

/// A `mammon` process that keeps running while a test works beside it: its output is collected as
/// it comes, a test waits for a line (never a sleep), then signals it.
final class SpawnedMammon: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private let changed = NSCondition()
    private var out = Data()
    private var err = Data()

    init(_ binary: MammonBinary, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: binary.path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_RUNTIME_DIR"] = MammonBinary.runtimeDirectory
        process.environment = env.merging(MovesAtOnce.environment) { $1 }.merging(environment) { $1 }
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        o.fileHandleForReading.readabilityHandler = { [weak self] h in self?.append(h.availableData, stderr: false) }
        e.fileHandleForReading.readabilityHandler = { [weak self] h in self?.append(h.availableData, stderr: true) }
        try process.run()
    }

    private func append(_ data: Data, stderr: Bool) {
        changed.lock()
        if stderr { err.append(data) } else { out.append(data) }
        changed.broadcast()
        changed.unlock()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { changed.lock(); defer { changed.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { changed.lock(); defer { changed.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Blocks (off the cooperative pool) until stdout or stderr contains `text`, the process exits, or
    /// `limit` seconds pass (a bound for a broken run, not a timing assumption). True when seen.
    func waitFor(_ text: String, inStderr: Bool = false, limit: TimeInterval = 120) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(limit)
                self.changed.lock()
                defer { self.changed.unlock() }
                while true {
                    let haystack = String(decoding: inStderr ? self.err : self.out, as: UTF8.self)
                    if haystack.contains(text) { return continuation.resume(returning: true) }
                    if !self.process.isRunning || Date() > deadline { return continuation.resume(returning: false) }
                    _ = self.changed.wait(until: min(deadline, Date().addingTimeInterval(0.5)))
                }
            }
        }
    }

    /// Sends `signal` and waits for the exit; returns the exit status (or the signal number).
    func stop(_ signal: Int32) async -> Int32 {
        kill(pid, signal)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }
}
