import Chain
import Engine
import Foundation
import Logging
import MammonCore
import Service
import Store

/// What runs beside an engine in its process, started in one place and stopped in the reverse
/// order: the alert sender (first, so what a previous run left goes out at once), the control and
/// observer sockets, `/metrics` (METRICS_LISTEN) and the heartbeat (HEARTBEAT_URL). The engine
/// itself is run by whoever drives it (the headless writer, a console) between `start` and `stop`.
public final class EngineServices: Sendable {
    public let engine: Engine
    /// The alerting side, nil when NOTIFY_URLS_FILE is unset; the runner records starts and stops through it.
    public let alerts: EngineAlerts?
    /// Where consoles attach.
    public let sockets: SocketPaths
    private let server: ControlServer
    private let metrics: MetricsExporter?
    private let heartbeat: Heartbeat?

    private init(engine: Engine, alerts: EngineAlerts?, sockets: SocketPaths, server: ControlServer, metrics: MetricsExporter?,
                 heartbeat: Heartbeat?) {
        self.engine = engine
        self.alerts = alerts
        self.sockets = sockets
        self.server = server
        self.metrics = metrics
        self.heartbeat = heartbeat
    }

    /// Starts every service the configuration asks for, before the engine opens (each subscribes to
    /// its events first, so none misses the opening). What started is stopped again when a later one
    /// fails.
    public static func start(engine: Engine, store: AppDatabase, rpc: JSONRPCClient?, config: MammonConfig, notifiers: [Notifier],
                             databasePath: String, logger: Logger) async throws -> EngineServices {
        let alerts = notifiers.isEmpty ? nil : EngineAlerts(config: config, notifiers: notifiers, engine: engine, store: store, logger: logger)
        let sockets: SocketPaths
        let server: ControlServer
        do {
            sockets = try SocketPaths.forEngine(databasePath)
            server = try await ControlServer.start(
                engine: engine, store: store, controlPath: sockets.control, observerPath: sockets.observer,
                observerGroup: try config.observerSocketGroup.map(ObserverGroup.id(named:)),
                info: .init(network: engine.networkName, since: Date()))
        } catch {
            await alerts?.finish()
            throw error
        }
        var metrics: MetricsExporter?
        let heartbeat: Heartbeat?
        do {
            if let listen = config.metricsListen {
                metrics = try await MetricsExporter.start(listen: listen, engine: engine, store: store, rpc: rpc, logger: logger)
            }
            heartbeat = try config.heartbeatURL.map { try Heartbeat.start(url: $0, engine: engine, logger: logger) }
        } catch {
            await metrics?.close()
            await server.close()
            await alerts?.finish()
            throw error
        }
        return EngineServices(engine: engine, alerts: alerts, sockets: sockets, server: server, metrics: metrics, heartbeat: heartbeat)
    }

    /// Stops everything, in order: the engine (bounded by STOP_BUDGET_SECONDS; its event stream ends),
    /// the heartbeat once the pings of cycles already finished are out, `/metrics`, the sockets (every
    /// connection gets its bye), and last the alerts, delivered for at most `EngineAlerts.drainSeconds`.
    public func stop() async {
        await engine.shutdown()
        await heartbeat?.finish()
        await metrics?.close()
        await server.close()
        await alerts?.finish()
    }
}
