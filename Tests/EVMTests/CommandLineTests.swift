import EVM
import Foundation
import XCTest

/// Drives the built `mammon` binary (MAMMON_BINARY, set by `make test`): keystore permissions are
/// enforced, and `tx sign` output is reproduced byte for byte by eth-account.
final class CommandLineTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mammon-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testANewKeystoreIsCreatedOnceAndNeverOverwritten() throws {
        let binary = try requiredEnvironment("MAMMON_BINARY", hint: "the path of the built mammon executable")
        let password = try write("password.txt", "correct horse\n", mode: 0o600)
        let key = try write("key.txt", String(repeating: "46", count: 32), mode: 0o600)
        let keystore = directory.appendingPathComponent("new.json").path

        let created = try run(binary, ["wallet", "new", "--keystore", keystore, "--password-file", password])
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: keystore)[.posixPermissions] as? Int, 0o600)
        let address = try run(binary, ["wallet", "address", "--keystore", keystore]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(created.stdout, "created \(keystore) for \(address)\n")
        XCTAssertTrue(address.hasPrefix("0x") && address.count == 42, address)

        let original = try Data(contentsOf: URL(fileURLWithPath: keystore))
        for again in [["wallet", "new", "--keystore", keystore, "--password-file", password],
                      ["wallet", "import", "--private-key-file", key, "--keystore", keystore, "--password-file", password]] {
            let refused = try run(binary, again)
            XCTAssertNotEqual(refused.status, 0, again.joined(separator: " "))
            XCTAssertTrue(refused.stderr.contains("keystore \(keystore) already exists; refusing to overwrite it"), refused.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: keystore)), original, "the wallet on disk is untouched")
        }
    }

    func testWorldReadableFilesAreRefusedAndSignedBytesMatchEthAccount() throws {
        let binary = try requiredEnvironment("MAMMON_BINARY", hint: "the path of the built mammon executable")
        let key = try write("key.txt", "0x" + String(repeating: "46", count: 32) + "\n", mode: 0o644)
        let password = try write("password.txt", "correct horse\n", mode: 0o600)
        let keystore = directory.appendingPathComponent("wallet.json").path

        let refusedKey = try run(binary, ["wallet", "import", "--private-key-file", key, "--keystore", keystore, "--password-file", password])
        XCTAssertNotEqual(refusedKey.status, 0)
        XCTAssertTrue(refusedKey.stderr.contains("chmod 600 \(key)"), refusedKey.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keystore))

        try chmod(key, 0o600)
        let imported = try run(binary, ["wallet", "import", "--private-key-file", key, "--keystore", keystore, "--password-file", password])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: keystore)[.posixPermissions] as? Int, 0o600)
        XCTAssertFalse(try String(contentsOfFile: keystore, encoding: .utf8).contains(String(repeating: "46", count: 32)))

        try chmod(keystore, 0o644)
        let refusedKeystore = try run(binary, ["wallet", "address", "--keystore", keystore])
        XCTAssertNotEqual(refusedKeystore.status, 0)
        XCTAssertTrue(refusedKeystore.stderr.contains("chmod 600 \(keystore)"), refusedKeystore.stderr)
        try chmod(keystore, 0o600)

        let address = try run(binary, ["wallet", "address", "--keystore", keystore])
        XCTAssertEqual(address.stdout, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F\n")

        let data = "095ea7b3000000000000000000000000a238dd80c259a72e81d7e4664a9801593f98d1c500000000000000000000000000000000000000000000000000000000000f4240"
        let signed = try run(binary, [
            "tx", "sign", "--keystore", keystore, "--password-file", password, "--chain-id", "8453", "--nonce", "0",
            "--to", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "--data", "0x" + data, "--gas", "60000",
            "--max-fee-per-gas", "100000000", "--max-priority-fee-per-gas", "1000000", "--json"])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let output = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: String])
        XCTAssertEqual(output["from"], "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        // The Base approve vector of chain-facts.md, itself cross-checked with eth-account.
        XCTAssertEqual(output["hash"], "0xb5b9311e6c8f23264fb1515a3034d8e852ab25adfde51b4a74cdd937b7d9a925")

        let python = try requiredEnvironment("MAMMON_TEST_PYTHON", hint: "a Python with eth-account (make venv)")
        let request: [[String: Any]] = [[
            "kind": "eip1559", "key": String(repeating: "46", count: 32), "chainId": "8453", "nonce": "0", "gas": "60000",
            "value": "0", "data": data, "to": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "maxFeePerGas": "100000000",
            "maxPriorityFeePerGas": "1000000", "accessList": [], "swiftRaw": String(output["raw", default: ""].dropFirst(2)),
        ]]
        let input = directory.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: request).write(to: input)
        let oracle = try run(python, [DifferentialTests.oracleScript.path, input.path])
        XCTAssertEqual(oracle.status, 0, oracle.stderr)
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(oracle.stdout.utf8)) as? [[String: String]]).first
        XCTAssertEqual(reference?["raw"].map { "0x" + $0 }, output["raw"])
        XCTAssertEqual(reference?["recovered"], output["from"])

        let decoded = try run(binary, ["tx", "decode", output["raw", default: ""], "--json"])
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(decoded.stdout.utf8)) as? [String: String])
        XCTAssertEqual(fields["from"], output["from"])
        XCTAssertEqual(fields["hash"], output["hash"])
        XCTAssertEqual(fields["chainId"], "8453")

        let wrong = try write("wrong.txt", "incorrect horse\n", mode: 0o600)
        let refusedPassword = try run(binary, ["tx", "sign", "--keystore", keystore, "--password-file", wrong, "--chain-id", "1",
                                               "--nonce", "0", "--to", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                                               "--gas", "21000", "--gas-price", "1"])
        XCTAssertNotEqual(refusedPassword.status, 0)
        XCTAssertTrue(refusedPassword.stderr.contains("wrong password"), refusedPassword.stderr)
        XCTAssertFalse(refusedPassword.stderr.contains("incorrect horse"))
    }

    /// A FIFO in place of a secret file used to block the open forever (no writer ever comes).
    /// Now it is refused at once, as a keystore and as a password file.
    func testSecretFilesThatAreFIFOsAreRefusedWithoutBlocking() throws {
        let binary = try requiredEnvironment("MAMMON_BINARY", hint: "the path of the built mammon executable")
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)

        let keystoreRead = try runBounded(binary, ["wallet", "address", "--keystore", fifo])
        XCTAssertNotEqual(keystoreRead.status, 0)
        XCTAssertTrue(keystoreRead.stderr.contains("keystore \(fifo) is not a regular file"), keystoreRead.stderr)

        let keystore = try lightKeystore(password: "pw")
        let passwordRead = try runBounded(binary, ["tx", "sign", "--keystore", keystore, "--password-file", fifo, "--chain-id", "1",
                                                   "--nonce", "0", "--to", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                                                   "--gas", "21000", "--gas-price", "1"])
        XCTAssertNotEqual(passwordRead.status, 0)
        XCTAssertTrue(passwordRead.stderr.contains("password file \(fifo) is not a regular file"), passwordRead.stderr)
    }

    /// A password file whose first line is empty is a mistake, never a password: creating a
    /// keystore under it would encrypt the key with nothing.
    func testAnEmptyPasswordFromAFileIsRefused() throws {
        let binary = try requiredEnvironment("MAMMON_BINARY", hint: "the path of the built mammon executable")
        let keystore = directory.appendingPathComponent("new.json").path
        for (name, contents) in [("empty", ""), ("newline", "\n"), ("crlf", "\r\nthe password on line 2\n")] {
            let password = try write(name, contents, mode: 0o600)
            let created = try runBounded(binary, ["wallet", "new", "--keystore", keystore, "--password-file", password])
            XCTAssertNotEqual(created.status, 0, name)
            XCTAssertTrue(created.stderr.contains("refusing an empty password: the first line of password file \(password) is empty"),
                          "\(name): \(created.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: keystore), name)
        }
        let empty = try write("empty-for-signing", "\n", mode: 0o600)
        let signed = try runBounded(binary, ["tx", "sign", "--keystore", try lightKeystore(password: "pw"), "--password-file", empty,
                                             "--chain-id", "1", "--nonce", "0", "--to", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                                             "--gas", "21000", "--gas-price", "1"])
        XCTAssertNotEqual(signed.status, 0)
        XCTAssertTrue(signed.stderr.contains("refusing an empty password"), signed.stderr)
    }

    /// A keystore (mode 600) with scrypt light enough for a test.
    private func lightKeystore(password: String) throws -> String {
        var passwordBytes = Array(password.utf8)
        let json = try Keystore.encrypt(privateKey: secret(String(repeating: "46", count: 32)),
                                        password: SecretBytes(consuming: &passwordBytes), scrypt: .init(n: 1 << 10, r: 8, p: 1))
        return try write("light-\(UUID().uuidString).json", String(decoding: json, as: UTF8.self), mode: 0o600)
    }

    /// Runs to completion or for at most `timeout` seconds, waiting on the process itself; a
    /// process still running then is killed and the test fails.
    private func runBounded(_ executable: String, _ arguments: [String], timeout: Double = 10,
                            file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MAMMON_PASSWORD_FILE")
        process.environment = environment
        let errorLog = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let stderr = try FileHandle(forWritingTo: errorLog)
        defer { try? stderr.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            XCTFail("mammon \(arguments.joined(separator: " ")) still running after \(timeout) s", file: file, line: line)
        }
        return (process.terminationStatus, (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")
    }

    private func requiredEnvironment(_ name: String, hint: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        if let value = env[name], !value.isEmpty { return value }
        if env["MAMMON_REQUIRE_ALL_SUITES"] == "1" {
            XCTFail("\(name) (\(hint)) is not set but MAMMON_REQUIRE_ALL_SUITES=1")
        }
        throw XCTSkip("set \(name) to \(hint) to run the command-line test")
    }

    private func write(_ name: String, _ contents: String, mode: Int) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try chmod(path, mode)
        return path
    }

    private func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "MAMMON_PASSWORD_FILE")
        process.environment = environment
        let errorLog = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let stderr = try FileHandle(forWritingTo: errorLog)
        defer { try? stderr.close() }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), errors)
    }
}
