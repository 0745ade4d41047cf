import Chain
import EVM
import Foundation
import MammonCore
import Runtime

/// Live-chain figures on a devnet this suite starts (Tests/Devnet/devnet.py with Python from
/// MAMMON_TEST_PYTHON or ./.venv/bin/python; left out when neither exists): one scan of every
/// market batched (HTTP round trips and ms), the same reads one call at a time, and their ratios.
struct ChainBench: BenchSuite {
    static let name = "chain"
    static let wallet = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        let candidates = [ProcessInfo.processInfo.environment["MAMMON_TEST_PYTHON"], ".venv/bin/python"].compactMap { $0 }
        let script = ProcessInfo.processInfo.environment["MAMMON_DEVNET_SCRIPT"] ?? "Tests/Devnet/devnet.py"
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              FileManager.default.fileExists(atPath: script) else { return [:] }
        let devnet = try BenchDevnet.start(python: python, script: script, fund: wallet)
        defer { devnet.stop() }
        let network = try NetworkRegistry.parse(devnet.network, source: "devnet")
        let watched = try Address(hex: wallet)
        let rounds = max(3, Int(20 * scale))

        var figures: [String: BenchFigure] = [:]
        var batched: (trips: Double, ms: Double) = (0, 0)
        for (label, batching) in [("batched", true), ("one_call_at_a_time", false)] {
            let chain = try await LiveChain.connect(network: network, watching: watched, options: LiveChainOptions(batchRequests: batching))
            _ = try await chain.scanMarkets(token: .usdc)  // warm the connection
            var times: [Double] = []
            let tripsBefore = await chain.client.rpc.roundTrips
            for _ in 0..<rounds {
                let started = ContinuousClock.now
                _ = try await chain.scanMarkets(token: .usdc)
                let elapsed = ContinuousClock.now - started
                times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            let trips = Double(await chain.client.rpc.roundTrips - tripsBefore) / Double(rounds)
            let ms = times.sorted()[times.count / 2]
            figures["scan_\(label)_round_trips"] = BenchFigure(trips, "HTTP round trips")
            figures["scan_\(label)_ms"] = BenchFigure(ms, "ms (median)")
            if batching { batched = (trips, ms) } else {
                figures["scan_round_trip_ratio"] = BenchFigure(trips / batched.trips, "x")
                figures["scan_time_ratio"] = BenchFigure(ms / batched.ms, "x")
            }
        }
        figures["markets_scanned"] = BenchFigure(Double(network.markets.count), "markets")
        return figures
    }
}

/// A devnet process for the bench, stopped by closing its stdin.
struct BenchDevnet {
    let process: Process
    let stdin: Pipe
    let network: JSONValue

    static func start(python: String, script: String, fund: String) throws -> BenchDevnet {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--watch-stdin", "--deploy", "--fund", fund]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        while !buffer.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        guard let line = buffer.split(separator: 0x0A).first, let ready = try? JSONValue.parse(Array(line)),
              let network = ready["network"], !network.isNull else {
            process.terminate()
            throw LiveSetupError("the bench devnet did not start (\(script))")
        }
        return BenchDevnet(process: process, stdin: stdin, network: network)
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
