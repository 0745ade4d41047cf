import Chain
import Engine
import Foundation
import MammonCore
import Store

/// History made on the simulated network with a hand-moved clock: the engine scans every
/// `intervalHours` for `days` ending now, with gates loose enough that it moves funds, and a read
/// that fails now and then. For the history benchmark and for trying the portfolio view on weeks
/// of data without waiting weeks.
public enum SimulatedHistory {
    public struct Built { public var cycles: Int; public var seconds: Double; public var executions: Int; public var events: Int }

    /// Runs the engine in memory, then writes the database to `path` as the program would find it
    /// (the simulated network's wallet for `config.simulationSeed`).
    public static func build(days: Int, intervalHours: Int, path: String, config base: MammonConfig = MammonConfig()) async throws -> Built {
        let interval = TimeInterval(intervalHours * 3600)
        let end = (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600
        let clock = ManualClock(Date(timeIntervalSince1970: end - Double(days) * 86_400))
        let store = try AppDatabase.inMemory()
        var config = base
        config.scanIntervalHours = intervalHours  // the rate window counts a reading until the next scan
        config.gates = GateThresholds(minProfitUSD: Decimal(string: "0.5")!, maxBreakEvenDays: 60, minAPYImprovement: Decimal(string: "0.05")!,
                                      minRebalanceAmountUSD: 100)
        let chain = try SimulatedChain.open(seed: config.simulationSeed, clock: clock, persisted: try store.simulatedLedger())
        try Engine.claim(store, as: DatabaseIdentity(network: "simulated", chainID: "simulated", wallet: chain.walletAddress), path: path,
                         at: clock.now())
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .auto)
        await engine.open()
        let cycles = days * 24 / intervalHours
        let started = DispatchTime.now().uptimeNanoseconds
        for cycle in 0..<cycles {
            // A node that fails a read now and then: an error and a failed cycle, never two in a row.
            if cycle % 97 == 50 { await chain.inject(.readFailure("the node did not answer (simulated)")) }
            await engine.runOnce()
            clock.advance(by: interval)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        await engine.shutdown()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try store.copy(to: path)
        return Built(cycles: cycles, seconds: seconds, executions: try store.executions(limit: 1_000_000).count,
                     events: try store.eventCount())
    }
}
