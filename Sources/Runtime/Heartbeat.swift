import Chain
import Engine
import Foundation
import Logging
import MammonCore

/// `HEARTBEAT_URL`: a GET after each cycle that completed, for a dead-man's switch
/// (healthchecks.io and alike alert when the pings stop). A failed ping is a log notice and never
/// touches the cycle. The URL is a secret (its path is the check's token): only its redacted form
/// (`https://hc-ping.com/…`) is ever logged.
struct Heartbeat {
    let task: Task<Void, Never>

    static func start(url: String, engine: Engine, logger: Logger) throws -> Heartbeat {
        let shown = EndpointURL.redacted(url)
        let transport: CurlTransport
        do {
            transport = try CurlTransport(url: url, options: TransportOptions(connectTimeout: 5, totalTimeout: 10, maxResponseBytes: 64 << 10))
        } catch {
            throw HeartbeatError(description: "HEARTBEAT_URL (\(shown)): \(error)")
        }
        let events = engine.subscribe()
        let task = Task {
            for await event in events {
                guard case .scanFinished(let cycle, true, _, _, _, _) = event.kind else { continue }
                await ping(transport, shown: shown, cycle: cycle, logger: logger)
            }
        }
        logger.info("heartbeat: GET \(shown) after each successful cycle")
        return Heartbeat(task: task)
    }

    /// Waits for the pings of the cycles already finished (the engine has stopped: its stream ends);
    /// each is bounded by the transport's 10 s timeout.
    func finish() async { await task.value }

    private static func ping(_ transport: CurlTransport, shown: String, cycle: Int, logger: Logger) async {
        do {
            let response = try await transport.get()
            if !(200...299).contains(response.status) {
                logger.notice("heartbeat \(shown) after cycle \(cycle): HTTP \(response.status); the cycle is unaffected")
            }
        } catch {
            logger.notice("heartbeat \(shown) after cycle \(cycle) failed: \(error); the cycle is unaffected")
        }
    }
}

struct HeartbeatError: Error, CustomStringConvertible {
    let description: String
}
