import Chain
import Engine
import Foundation
import Logging
import MammonCore
import Service
import Store

/// The alerting side of a running engine: the notifiers of NOTIFY_URLS_FILE, the sender that empties
/// the outbox beside the engine, the daily report, and the engine's own start, stop and crash notices.
public final class EngineAlerts: Sendable {
    /// How long a stop or a `--once` run waits to deliver what the outbox holds.
    public static let drainSeconds: TimeInterval = 10

    let engine: Engine
    let sender: AlertSender
    let logger: Logger
    /// Why this start follows a crash, read before the engine opened (opening records it stopped).
    let crash: String?
    private let loop: Task<Void, Never>

    /// The notifiers of NOTIFY_URLS_FILE, read with the permission rules of keystores. Empty when
    /// alerts are off. Errors name the file and line, never a URL.
    public static func notifiers(_ config: MammonConfig) throws(ConfigError) -> [Notifier] {
        guard let path = config.notifyURLsFile else { return [] }
        let text: String
        do {
            text = try SecretFile.read(path, kind: "notifier URL file").withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        } catch {
            throw ConfigError("NOTIFY_URLS_FILE: \(error)")
        }
        let list: [Notifier]
        do { list = try NotifierList.parse(text) } catch { throw ConfigError("NOTIFY_URLS_FILE: \(path) \(error)") }
        guard !list.isEmpty else { throw ConfigError("NOTIFY_URLS_FILE: \(path) holds no notifier URL") }
        return list
    }

    /// Starts delivering (what a previous run left first). Call before the engine opens.
    public init(config: MammonConfig, notifiers: [Notifier], engine: Engine, store: AppDatabase, logger: Logger,
         clock: any EngineClock = SystemClock()) {
        self.engine = engine
        self.logger = logger
        let previous = try? store.schedulerState()
        let unfinished = (try? store.unfinishedExecutions().count) ?? 0
        let wasRunning = previous?.schedulerState == .running
        crash = wasRunning || unfinished > 0
            ? EngineLifecycle.restartedAfterCrash(previousWasRunning: wasRunning, unfinishedExecutions: unfinished) : nil
        let reporter = DailyReporter(store: store, hour: config.dailyReportHour) { text in
            await engine.note(source: DailyReport.source, text)
        }
        let sender = AlertSender(store: store, record: { change in try await engine.recordDelivery(change) }, notifiers: notifiers, minSeverity: config.notifyMinSeverity, poster: CurlNotifierPoster(),
                             clock: clock, log: { logger.warning("\($0)") },
                             beforePass: { now in
                                 do { try await reporter.reportIfDue(now: now) } catch { logger.warning("daily report: \(error)") }
                             })
        self.sender = sender
        loop = Task { await sender.run() }
        logger.info("alerts to \(notifiers.count) notifier(s): \(notifiers.map(\.redacted).joined(separator: ", "))")
    }

    /// Records the crash notice (if any) and, for a long-running engine, that it started.
    public func opened(longRunning: Bool) async {
        if let crash { await engine.note(source: EngineLifecycle.source, crash, code: .engineRestartedAfterCrash) }
        if longRunning { await engine.note(source: EngineLifecycle.source, EngineLifecycle.started(network: engine.networkName), code: .engineStarted) }
    }

    /// Records a long-running engine's stop, before it shuts down.
    public func stopping(reason: String) async {
        await engine.note(source: EngineLifecycle.source, EngineLifecycle.stopped(reason: reason), code: .engineStopped)
    }

    /// Stops the polling loop and delivers what is left, for at most `drainSeconds`.
    public func finish() async {
        loop.cancel()
        await loop.value
        let left = await sender.drain(within: Self.drainSeconds)
        if left > 0 { logger.warning("\(left) alert deliveries still pending: they are sent at the next start") }
    }
}
