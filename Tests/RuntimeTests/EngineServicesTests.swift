import Chain
import Engine
import Foundation
import Logging
import MammonCore
import Runtime
import Service
import Store
import XCTest

/// The services beside an engine, started in one place and stopped in reverse order: sockets exist
/// while they run and are gone after, the engine's stream ends, and a service that cannot start
/// takes down the ones started before it.
final class EngineServicesTests: XCTestCase {
    let directory = NSTemporaryDirectory() + "mammon-services-\(UUID().uuidString.prefix(8))"
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))
    var database: String { directory + "/e.sqlite" }

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func engine(_ config: MammonConfig = MammonConfig()) throws -> (Engine, AppDatabase) {
        let store = try AppDatabase.open(path: database)
        let chain = try SimulatedChain.open(seed: config.simulationSeed, clock: clock, persisted: try store.simulatedLedger())
        return (try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .manual), store)
    }

    func testTheSocketsLiveFromStartToStopAndStopEndsTheEnginesStream() async throws {
        let (engine, store) = try engine()
        let services = try await EngineServices.start(engine: engine, store: store, rpc: nil, config: MammonConfig(), notifiers: [],
                                                      databasePath: database, logger: Logger(label: "test"))
        XCTAssertEqual(services.sockets, try SocketPaths.forEngine(database, environment: [:]))
        for path in [services.sockets.control, services.sockets.observer] {
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600, path)
        }
        await engine.open()
        let events = engine.subscribe()
        let ended = Task { for await _ in events {}; return true }
        await services.stop()
        let streamEnded = await ended.value
        XCTAssertTrue(streamEnded, "the engine shut down: its stream ended")
        for path in [services.sockets.control, services.sockets.observer] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) is removed at stop")
        }
    }

    func testAServiceThatCannotStartStopsTheOnesStartedBeforeIt() async throws {
        // The metrics port is taken: /metrics cannot bind, after the sockets did.
        let taken = try TakenPort()
        defer { taken.close() }
        var config = MammonConfig()
        config.metricsListen = ListenAddress("127.0.0.1:\(taken.port)")
        let (engine, store) = try engine(config)
        do {
            _ = try await EngineServices.start(engine: engine, store: store, rpc: nil, config: config, notifiers: [],
                                               databasePath: database, logger: Logger(label: "test"))
            XCTFail("started with its metrics port taken")
        } catch {}
        let sockets = try SocketPaths.forEngine(database, environment: [:])
        XCTAssertFalse(FileManager.default.fileExists(atPath: sockets.control), "the sockets started first were closed again")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sockets.observer))
    }
}

/// A TCP port on 127.0.0.1 held by a listening socket for the test's length.
struct TakenPort {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
