import Chain
import Engine
import Foundation
import MammonCore
import Service
import Store
import Synchronization

/// An engine on the simulated chain (manual approval, a hand-moved clock, a real SQLite file) with
/// its real sockets in a temp folder, and clients that record every line they receive.
struct ServiceFixture {
    let directory = NSTemporaryDirectory() + "mammon-svc-\(UUID().uuidString.prefix(8))"
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))
    /// Moving at the first scan, as before the market guards' history and patience (the guards are
    /// tested in MarketGuardsTests and GuardTests): these tests are about the sockets.
    var config: MammonConfig = {
        var config = MammonConfig()
        config.guards.apyWindowHours = 0
        config.guards.minHoursBetweenMoves = 0
        return config
    }()

    var database: String { directory + "/s.sqlite" }
    var controlPath: String { directory + "/s.control.sock" }
    var observerPath: String { directory + "/s.observe.sock" }

    func start(limits: ControlServer.Limits = .init()) async throws -> (engine: Engine, store: AppDatabase, server: ControlServer) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try AppDatabase.open(path: database)
        let chain = try SimulatedChain.open(seed: config.simulationSeed, clock: clock, persisted: try store.simulatedLedger(),
                                            maxFeeGwei: config.maxFeeGwei ?? 100)
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .manual)
        await engine.open()
        let server = try await ControlServer.start(engine: engine, store: store, controlPath: controlPath, observerPath: observerPath,
                                                   info: .init(network: "simulated", since: clock.now()), limits: limits)
        return (engine, store, server)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A client that keeps every message and lets a test wait for one (bounded, never a sleep).
final class RecordingClient: Sendable {
    let client: ControlClient
    private let log: MessageLog

    private init(client: ControlClient, log: MessageLog) {
        self.client = client
        self.log = log
    }

    static func connect(_ path: String, name: String, trustedUIDs: Set<UInt32>? = nil) async throws -> RecordingClient {
        let log = MessageLog()
        let client = try await ControlClient.connect(path: path, name: name, trustedUIDs: trustedUIDs,
                                                     onMessage: { log.append($0) }, onClose: { log.close($0) })
        return RecordingClient(client: client, log: log)
    }

    var messages: [ControlMessage] { log.all }
    var closedReason: String? { log.closedReason }

    /// Waits until a received message satisfies `match` (or 30 s pass: a broken run, not a timing bet).
    func waitFor(_ what: String = "a message", _ match: @escaping @Sendable (ControlMessage) -> Bool) async -> ControlMessage? {
        await log.waitFor(match)
    }

    func waitForClose() async -> String? { await log.waitForClose() }
}

final class MessageLog: Sendable {
    private let state = Mutex<(messages: [ControlMessage], closed: String?)>(([], nil))
    private let changed = NSCondition()

    func append(_ m: ControlMessage) {
        state.withLock { $0.messages.append(m) }
        changed.lock(); changed.broadcast(); changed.unlock()
    }

    func close(_ reason: String) {
        state.withLock { $0.closed = reason }
        changed.lock(); changed.broadcast(); changed.unlock()
    }

    var all: [ControlMessage] { state.withLock { $0.messages } }
    var closedReason: String? { state.withLock { $0.closed } }

    func waitFor(_ match: @escaping @Sendable (ControlMessage) -> Bool) async -> ControlMessage? {
        await withCheckedContinuation { c in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(30)
                self.changed.lock()
                defer { self.changed.unlock() }
                while Date() < deadline {
                    if let hit = self.all.first(where: match) { return c.resume(returning: hit) }
                    _ = self.changed.wait(until: min(deadline, Date().addingTimeInterval(0.2)))
                }
                c.resume(returning: nil)
            }
        }
    }

    func waitForClose() async -> String? {
        await withCheckedContinuation { c in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(30)
                self.changed.lock()
                defer { self.changed.unlock() }
                while Date() < deadline {
                    if let reason = self.closedReason { return c.resume(returning: reason) }
                    _ = self.changed.wait(until: min(deadline, Date().addingTimeInterval(0.2)))
                }
                c.resume(returning: nil)
            }
        }
    }
}
