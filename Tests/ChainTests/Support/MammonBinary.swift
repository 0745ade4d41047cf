import Chain
import EVM
import Foundation
import MammonCore
import TestSupport
import XCTest

extension MammonConfig {
    /// The engine as the devnet tests run it in process: moving at its first scan (see `MovesAtOnce`).
    static var movesAtOnce: MammonConfig {
        var config = MammonConfig()
        config.guards.apyWindowHours = 0
        config.guards.minHoursBetweenMoves = 0
        return config
    }
}

/// The built `mammon` (MAMMON_BINARY): skipped when unset, a failure under MAMMON_REQUIRE_ALL_SUITES=1
/// (the convention of Tests/EndToEndTests/BuiltBinary.swift).
struct MammonBinary {
    let path: String

    static func require() throws -> MammonBinary {
        let env = ProcessInfo.processInfo.environment
        if let path = env["MAMMON_BINARY"], FileManager.default.isExecutableFile(atPath: path) { return MammonBinary(path: path) }
        let message = "MAMMON_BINARY is not set to the built mammon binary (run `make test`)"
        if env["MAMMON_REQUIRE_ALL_SUITES"] == "1" { XCTFail(message) }
        throw XCTSkip(message)
    }

    /// One private runtime directory (the engines' wallet locks) for this test process: engines run by
    /// this suite see each other's locks, and another suite running on the same machine does not.
    static let runtimeDirectory: String = {
        let dir = NSTemporaryDirectory() + "mammon-tests-run-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return dir
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var events: [JSONValue] { stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) } }
    }

    /// Runs to completion off the cooperative pool (the devnet answers on its own threads).
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("MAX_") || key.hasPrefix("MIN_") || key == "APPROVAL_MODE" || key == "MAMMON_PASSWORD_FILE" {
            env.removeValue(forKey: key)
        }
        env["XDG_RUNTIME_DIR"] = Self.runtimeDirectory
        env.merge(MovesAtOnce.environment) { $1 }
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                nonisolated(unsafe) var stderrData = Data()
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    stderrData = err.fileHandleForReading.readDataToEndOfFile()
                    group.leave()
                }
                let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                p.waitUntilExit()
                continuation.resume(returning: Result(status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                                                      stderr: String(decoding: stderrData, as: UTF8.self)))
            }
        }
    }
}

/// A temporary directory with the files `mammon` needs for a live run: a keystore of the test
/// wallet (light scrypt), its password file (0600), a network file and a database path.
struct LiveRunFiles {
    let directory: URL
    var keystore: String { directory.appendingPathComponent("wallet.json").path }
    var password: String { directory.appendingPathComponent("password").path }
    var networkFile: String { directory.appendingPathComponent("devnet.json").path }
    var database: String { directory.appendingPathComponent("mammon.sqlite").path }

    /// `keyByte`: the private key is 32 such bytes (0x46 is the devnet's funded test wallet).
    static func make(network: JSONValue, keyByte: UInt8 = 0x46) throws -> LiveRunFiles {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mammon-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = LiveRunFiles(directory: dir)
        var key = [UInt8](repeating: keyByte, count: 32)
        var pw = Array("devnet password".utf8)
        let json = try Keystore.encrypt(privateKey: SecretBytes(consuming: &key), password: SecretBytes(consuming: &pw),
                                        scrypt: .init(n: 1 << 10, r: 8, p: 1))
        for (path, data) in [(files.keystore, json), (files.password, Data("devnet password\n".utf8))] {
            _ = FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        }
        try Data(network.serialized.utf8).write(to: URL(fileURLWithPath: files.networkFile))
        return files
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
