import EVM
import Foundation
import XCTest

/// Signs random transactions in Swift and with eth-account (one Python process for the batch) and
/// requires identical raw bytes, hashes and senders. Set MAMMON_DIFF_SEED to replay a failure.
final class DifferentialTests: XCTestCase {
    static let transactionsPerKind = 600

    func testMatchesEthAccount() async throws {
        let python = try pythonOrSkip()
        let seed = ProcessInfo.processInfo.environment["MAMMON_DIFF_SEED"].flatMap(UInt64.init) ?? 0x4D41_4D4D_4F4E
        var generator = SeededGenerator(seed: seed)
        var cases: [(signed: SignedTransaction, address: Address, json: [String: Any])] = []
        for index in 0..<(2 * Self.transactionsPerKind) {
            cases.append(try await randomCase(legacy: index % 2 == 0, using: &generator))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mammon-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("transactions.json")
        try JSONSerialization.data(withJSONObject: cases.map(\.json)).write(to: input)

        let output = try run(python, [Self.oracleScript.path, input.path], errorLog: directory.appendingPathComponent("stderr.txt"))
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: output) as? [[String: String]])
        XCTAssertEqual(results.count, cases.count)
        var mismatches = 0
        for (index, (local, result)) in zip(cases, results).enumerated() {
            let context = "seed \(seed), transaction \(index): \(local.json)"
            let reference = try TransactionDecoder.decode(hex: result["raw"] ?? "")
            let checks = [
                local.signed.raw == reference.raw,
                Hex.encode(local.signed.hash, prefix: false) == result["hash"],
                local.address.checksummed == result["from"],
                local.address.checksummed == result["recovered"],
                try local.signed.recoverSender() == local.address,
                try reference.recoverSender() == local.address,
                try TransactionDecoder.decode(local.signed.raw) == local.signed,
            ]
            if checks.contains(false) {
                mismatches += 1
                XCTFail("differs from eth-account (\(checks)): \(context)")
                if mismatches > 5 { break }
            }
        }
    }

    /// Keystores cross both ways: eth-account opens ours, we open its scrypt and PBKDF2 ones.
    func testKeystoresInteroperateWithEthAccount() throws {
        let python = try pythonOrSkip()
        let (signer, key) = Secp256k1Signer.generate()
        let keyHex = key.withUnsafeBytes { Hex.encode($0, prefix: false) }
        var passwordBytes = Array("pässword with spaces".utf8)
        let password = SecretBytes(consuming: &passwordBytes)
        let ours = try Keystore.encrypt(privateKey: key, password: password, scrypt: .init(n: 1 << 14, r: 8, p: 1))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mammon-ks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let request: [String: Any] = ["keystore": try JSONSerialization.jsonObject(with: ours),
                                      "password": "pässword with spaces", "key": keyHex]
        let input = directory.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: request).write(to: input)
        let output = try run(python, [Self.keystoreScript.path, input.path], errorLog: directory.appendingPathComponent("stderr.txt"))
        let reply = try XCTUnwrap(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        XCTAssertEqual(reply["decrypted"] as? String, keyHex)
        for kdf in ["scrypt", "pbkdf2"] {
            let theirs = try JSONSerialization.data(withJSONObject: try XCTUnwrap(reply[kdf]))
            let opened = try Keystore.decrypt(theirs, password: password)
            XCTAssertEqual(opened.withUnsafeBytes { Hex.encode($0, prefix: false) }, keyHex, kdf)
            XCTAssertEqual(try Keystore.declaredAddress(in: theirs), signer.address, kdf)
        }
    }

    /// A random transaction: random key, data 0–600 bytes, amounts anywhere up to 2^256 − 1.
    private func randomCase(legacy: Bool, using g: inout SeededGenerator) async throws
        -> (signed: SignedTransaction, address: Address, json: [String: Any]) {
        var keyBytes = g.bytes(32)
        let keyHex = Hex.encode(keyBytes, prefix: false)
        let signer = try Secp256k1Signer(privateKey: SecretBytes(consuming: &keyBytes))
        let to: Address? = g.next() % 10 == 0 ? nil : try Address(bytes: g.bytes(20))
        let data = g.bytes(Int(g.next() % 601))
        let nonce = randomUInt64(&g), gas = randomUInt64(&g), value = randomAmount(&g)
        var json: [String: Any] = [
            "key": keyHex, "nonce": String(nonce), "gas": String(gas), "value": value.decimalString,
            "data": Hex.encode(data, prefix: false), "to": to.map { $0.checksummed as Any } ?? NSNull(),
        ]
        let signed: SignedTransaction
        if legacy {
            let chainID = g.next() % (1 << 40) + 1, gasPrice = randomAmount(&g)
            let tx = LegacyTransaction(chainID: chainID, nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to, value: value, data: data)
            signed = try await tx.sign(with: signer)
            json["kind"] = "legacy"; json["chainId"] = String(chainID); json["gasPrice"] = gasPrice.decimalString
        } else {
            let chainID = randomUInt64(&g)
            let maxFee = randomAmount(&g), tip = randomAmount(&g)
            var accessList: [AccessListEntry] = []
            for _ in 0..<(g.next() % 4) {
                accessList.append(try AccessListEntry(address: Address(bytes: g.bytes(20)), storageKeys: (0..<(g.next() % 4)).map { _ in g.bytes(32) }))
            }
            let tx = EIP1559Transaction(chainID: chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                        gasLimit: gas, to: to, value: value, data: data, accessList: accessList)
            signed = try await tx.sign(with: signer)
            json["kind"] = "eip1559"; json["chainId"] = String(chainID)
            json["maxFeePerGas"] = maxFee.decimalString; json["maxPriorityFeePerGas"] = tip.decimalString
            json["accessList"] = accessList.map { ["address": $0.address.checksummed, "storageKeys": $0.storageKeys.map { Hex.encode($0) }] }
        }
        json["swiftRaw"] = Hex.encode(signed.raw, prefix: false)
        return (signed, signer.address, json)
    }

    /// Small, large and edge values alike, since RLP's length rules change at 0, 0x80, 56 bytes, …
    private func randomUInt64(_ g: inout SeededGenerator) -> UInt64 {
        switch g.next() % 4 {
        case 0: return g.next() % 200
        case 1: return [0, 1, 127, 128, 255, 256, UInt64.max][Int(g.next() % 7)]
        default: return g.next() >> (g.next() % 64)
        }
    }

    private func randomAmount(_ g: inout SeededGenerator) -> UInt256 {
        switch g.next() % 4 {
        case 0: return UInt256(randomUInt64(&g))
        case 1: return [UInt256.zero, .max, UInt256(1) << 255, UInt256(UInt64.max) + 1][Int(g.next() % 4)]
        default: return UInt256(limbs: g.next(), g.next(), g.next(), g.next()) >> Int(g.next() % 256)
        }
    }

    static let pythonDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Python")
    static let oracleScript = pythonDirectory.appendingPathComponent("eth_account_oracle.py")
    static let keystoreScript = pythonDirectory.appendingPathComponent("keystore_oracle.py")

    /// MAMMON_TEST_PYTHON, or a skip; under MAMMON_REQUIRE_ALL_SUITES=1 a missing Python fails.
    private func pythonOrSkip() throws -> String {
        let env = ProcessInfo.processInfo.environment
        if let python = env["MAMMON_TEST_PYTHON"], !python.isEmpty { return python }
        if env["MAMMON_REQUIRE_ALL_SUITES"] == "1" {
            XCTFail("MAMMON_TEST_PYTHON is not set but MAMMON_REQUIRE_ALL_SUITES=1: run `make test` (it creates .venv)")
            throw XCTSkip("no python")
        }
        throw XCTSkip("set MAMMON_TEST_PYTHON to a Python with eth-account (make venv) to run the differential test")
    }

    /// Runs to completion; stderr goes to a file so a chatty child cannot block on a full pipe.
    private func run(_ executable: String, _ arguments: [String], errorLog: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let stderr = try FileHandle(forWritingTo: errorLog)
        defer { try? stderr.close() }
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? Data(contentsOf: errorLog)) ?? Data()
            XCTFail("eth-account oracle failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
            return Data("[]".utf8)
        }
        return output
    }
}
