import Chain
import Engine
import Foundation
import Logging
import MammonCore
import Service
import MammonMetrics
import Store

/// `METRICS_LISTEN`: serves `/metrics` for a running engine. The engine's figures follow its event
/// stream (seeded from the database, so a restarted engine reports its pending approvals, last scan
/// and last good cycle at once); on a live network the RPC client reports each round trip and, at
/// every scrape, each endpoint's health. The simulated network has no RPC series.
struct MetricsExporter {
    let server: MetricsServer
    let feeder: Task<Void, Never>

    static func start(listen: ListenAddress, engine: Engine, store: AppDatabase, rpc: JSONRPCClient?,
                      logger: Logger) async throws -> MetricsExporter {
        let metrics = EngineMetrics(shadow: ShadowNetwork.watched(in: engine.networkName) != nil)
        // Subscribed before the database is read: an event in both is applied twice, which the fold
        // absorbs (sets, latest values); an event in neither cannot happen.
        let events = engine.subscribe()
        let seeded = EngineMetricsState(folding: try seed(from: store))
        metrics.update(seeded)
        let feeder = Task {
            var state = seeded
            for await event in events {
                state.apply(event)
                metrics.update(state)
            }
        }
        if let rpc {
            await rpc.observeRoundTrips { sample in
                metrics.recordRoundTrip(endpoint: EndpointURL.label(sample.url), seconds: sample.seconds, failed: sample.failed)
            }
        }
        let server: MetricsServer
        do {
            server = try await MetricsServer.start(host: listen.host, port: listen.port, contentType: EngineMetrics.contentType) {
                if let rpc {
                    let endpoints = await rpc.endpointStates()
                    metrics.update(endpoints: endpoints.map {
                        .init(endpoint: EndpointURL.label($0.health.url), healthy: $0.usable, consecutiveFailures: $0.health.consecutiveFailures)
                    })
                }
                return metrics.exposition()
            }
        } catch {
            feeder.cancel()
            throw error
        }
        logger.info("metrics at http://\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(server.port)/metrics")
        return MetricsExporter(server: server, feeder: feeder)
    }

    /// What is current before the stream starts: the last markets scanned, pending approvals (and an
    /// execution in flight, ignored here), then the last cycle that completed.
    static func seed(from store: AppDatabase) throws -> [EngineEvent] {
        var events = try LiveStateReplay.events(from: store)
        if let lastGood = try store.recentEvents(limit: 200, of: [.scanFinished]).last(where: {
            if case .scanFinished(_, true, _, _, _, _) = $0.kind { true } else { false }
        }) {
            events.append(lastGood)
        }
        return events
    }

    func close() async {
        await server.close()
        feeder.cancel()
    }
}
