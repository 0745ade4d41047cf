import Chain
import Engine
import Foundation
import MammonCore
import Service
import Store
import Synchronization

/// The engine as a service: what fanning events out to attached consoles costs (1 and 50 observers
/// reading every line), and the engine's cycle time with a client that stopped reading, alone and
/// beside 50 reading consoles.
enum ServiceBench: BenchSuite {
    static let name = "service"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        var out: [String: BenchFigure] = [:]
        let events = max(50, Int(1000 * scale))
        for observers in [0, 1, 50] {
            let (perEvent, _) = try await fanOut(observers: observers, events: events)
            out["publish_ms_per_event_\(observers)_observers"] = BenchFigure(perEvent, "ms")
        }
        out["fan_out_cost_ms_per_event_1_observer"] = BenchFigure(max(0, out["publish_ms_per_event_1_observers"]!.value - out["publish_ms_per_event_0_observers"]!.value), "ms")
        out["fan_out_cost_ms_per_event_50_observers"] = BenchFigure(max(0, out["publish_ms_per_event_50_observers"]!.value - out["publish_ms_per_event_0_observers"]!.value), "ms")
        let cycles = max(5, Int(40 * scale))
        let alone = try await cycleTime(stalledClient: false, cycles: cycles)
        out["cycle_ms_no_client"] = BenchFigure(alone, "ms")
        out["cycle_ms_stalled_client"] = BenchFigure(try await cycleTime(stalledClient: true, cycles: cycles), "ms")
        // The service's promise: 50 consoles reading and one that stopped cost the engine's cycle under 10 %.
        let loaded = try await cycleTime(stalledClient: true, observers: 50, cycles: cycles)
        out["cycle_ms_50_observers_stalled_client"] = BenchFigure(loaded, "ms")
        out["cycle_slowdown_pct_50_observers_stalled_client"] = BenchFigure((loaded / alone - 1) * 100, "%")
        return out
    }

    /// An engine on the simulated chain with its sockets in a temp folder.
    private static func engine() async throws -> (Engine, ControlServer, String, ManualClock) {
        let dir = NSTemporaryDirectory() + "mammon-bench-svc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = try AppDatabase.open(path: dir + "/b.sqlite")
        let chain = try SimulatedChain.open(seed: 42, clock: clock, persisted: [:])
        let engine = try Engine(config: MammonConfig(), chain: chain, store: store, clock: clock, approvalMode: .manual)
        await engine.open()
        // Room for every observer: the sockets' default (32 at once) would close the last 18 of 50 as they
        // arrive, and the run would wait forever for their last event.
        let server = try await ControlServer.start(engine: engine, store: store, controlPath: dir + "/c.sock", observerPath: dir + "/o.sock",
                                                   info: .init(network: "simulated", since: Date()),
                                                   limits: .init(connectionsPerSocket: 64))
        return (engine, server, dir, clock)
    }

    /// Milliseconds per published event (committed to SQLite, then fanned out) until every observer has read the last one.
    private static func fanOut(observers: Int, events: Int) async throws -> (Double, Int) {
        let (engine, server, dir, _) = try await engine()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let counter = Mutex(0), greeted = Mutex(Set<String>())
        var clients: [ControlClient] = []
        for i in 0..<observers {
            clients.append(try await ControlClient.connect(path: dir + "/o.sock", name: "bench \(i)", onMessage: { m in
                // The engine greets twice (at connect, and after the client's own hello): count clients, not hellos.
                if case .hello = m { greeted.withLock { _ = $0.insert("bench \(i)") } }
                if case .event(let e) = m, case .notice("bench", "last", _) = e.kind { counter.withLock { $0 += 1 } }
            }, onClose: { _ in }))
        }
        // Every observer subscribed (its hello arrived) before the first event.
        while greeted.withLock({ $0.count }) < observers { try await Task.sleep(nanoseconds: 200_000) }
        let started = ContinuousClock.now
        for i in 0..<events - 1 { await engine.note(source: .bench, "event \(i)") }
        await engine.note(source: .bench, "last")
        while counter.withLock({ $0 }) < observers { try await Task.sleep(nanoseconds: 200_000) }
        let elapsed = ContinuousClock.now - started
        for c in clients { await c.close() }
        await server.close()
        return (Double(elapsed.components.attoseconds) / 1e15 / Double(events) + Double(elapsed.components.seconds) * 1000 / Double(events), observers)
    }

    /// Milliseconds per scan cycle (manual approval: scan, gates, approval requests), optionally with a
    /// connected client that never reads and `observers` consoles reading every line.
    private static func cycleTime(stalledClient: Bool, observers: Int = 0, cycles: Int) async throws -> Double {
        let (engine, server, dir, _) = try await engine()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Readers that take every byte and parse nothing: what the engine pays for them (one encoding,
        // a write per socket) is measured, not what 50 consoles' parsing costs on the same two cores.
        let readers = (0..<observers).map { _ in connectObserver(dir + "/o.sock") }
        defer { for fd in readers where fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) } }
        let greeted = Mutex(0)
        for fd in readers where fd >= 0 {
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                var hello = false
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    if !hello { hello = true; greeted.withLock { $0 += 1 } }
                }
                close(fd)
            }
            thread.start()
        }
        while greeted.withLock({ $0 }) < readers.filter({ $0 >= 0 }).count { try await Task.sleep(nanoseconds: 200_000) }
        let stalled: Int32 = stalledClient ? connectObserver(dir + "/o.sock") : -1
        defer { if stalled >= 0 { close(stalled) } }
        let started = ContinuousClock.now
        for _ in 0..<cycles { await engine.runOnce() }
        let elapsed = ContinuousClock.now - started
        await server.close()
        return (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15) / Double(cycles)
    }

    /// A raw connection to the observer socket (-1 when it fails): the engine greets it and sends it
    /// every event whether or not it reads.
    private static func connectObserver(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1)) }
        let connected = withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected != 0 { close(fd); return -1 }
        return fd
    }
}
