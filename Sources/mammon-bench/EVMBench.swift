import EVM
import Foundation

/// EVM figures: Keccak throughput, EIP-1559 sign+serialize rate on one core, and eth-account's rate
/// for the same transaction measured in the same run (Python from MAMMON_TEST_PYTHON or
/// ./.venv/bin/python; its figures are left out when no such Python exists).
struct EVMBench: BenchSuite {
    static let name = "evm"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        var figures: [String: BenchFigure] = [:]
        figures["keccak256_throughput"] = BenchFigure(keccakMegabytesPerSecond(), "MB/s")
        let swiftRate = try await signaturesPerSecond()
        figures["eip1559_sign_serialize"] = BenchFigure(swiftRate, "tx/s")
        if let pythonRate = try ethAccountSignaturesPerSecond() {
            figures["eth_account_eip1559_sign_serialize"] = BenchFigure(pythonRate, "tx/s")
            figures["sign_speedup_vs_eth_account"] = BenchFigure(swiftRate / pythonRate, "x")
        }
        return figures
    }

    /// One-shot hashing of a 1 MiB buffer, repeated for about a second.
    static func keccakMegabytesPerSecond() -> Double {
        let buffer = [UInt8](repeating: 0xa5, count: 1 << 20)
        var sink: UInt8 = 0
        let (rounds, seconds) = repeatFor(seconds: 1.0) { sink ^= Keccak256.hash(buffer)[0] }
        blackHole(sink)
        return Double(rounds) / seconds
    }

    /// The key and transaction of the Base approve vector (chain-facts.md), nonce varied per signature.
    static let benchKey = String(repeating: "46", count: 32)
    static let approveData = "095ea7b3000000000000000000000000a238dd80c259a72e81d7e4664a9801593f98d1c500000000000000000000000000000000000000000000000000000000000f4240"

    static func signaturesPerSecond() async throws -> Double {
        var keyBytes = try Hex.decode(benchKey)
        let signer = try Secp256k1Signer(privateKey: SecretBytes(consuming: &keyBytes))
        var tx = EIP1559Transaction(chainID: 8453, nonce: 0, maxPriorityFeePerGas: 1_000_000, maxFeePerGas: 100_000_000,
                                    gasLimit: 60_000, to: try Address(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"),
                                    data: try Hex.decode(approveData))
        var sink: UInt8 = 0
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while count % 256 != 0 || clock.now - start < .seconds(1) {
            tx.nonce = UInt64(count)
            sink ^= try await tx.sign(with: signer).raw.last ?? 0
            count += 1
        }
        blackHole(sink)
        return Double(count) / seconds(clock.now - start)
    }

    /// eth-account signing the same transaction in a loop for about two seconds.
    static func ethAccountSignaturesPerSecond() throws -> Double? {
        let candidates = [ProcessInfo.processInfo.environment["MAMMON_TEST_PYTHON"], ".venv/bin/python"].compactMap { $0 }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let script = """
        import time
        from eth_account import Account
        account = Account.from_key(bytes.fromhex("\(benchKey)"))
        tx = {"type": 2, "chainId": 8453, "nonce": 0, "maxPriorityFeePerGas": 1000000, "maxFeePerGas": 100000000,
              "gas": 60000, "to": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "value": 0,
              "data": bytes.fromhex("\(approveData)")}
        account.sign_transaction(tx)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < 2.0:
            tx["nonce"] = count
            account.sign_transaction(tx).raw_transaction
            count += 1
        print(count / (time.perf_counter() - start))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func repeatFor(seconds limit: Double, _ body: () -> Void) -> (Int, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        var rounds = 0
        repeat {
            body()
            rounds += 1
        } while seconds(clock.now - start) < limit
        return (rounds, seconds(clock.now - start))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Keeps the optimizer from deleting the measured work.
    @inline(never)
    private static func blackHole(_ value: UInt8) {
        if value == 0x5a && ProcessInfo.processInfo.environment["MAMMON_BENCH_NEVER"] != nil { print(value) }
    }
}
