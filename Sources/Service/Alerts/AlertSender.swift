import Foundation
import MammonCore
import Store

/// Delivers the alert outbox to every notifier, at least once: a row stays until its notifier
/// answered 2xx, across failures and restarts. Per notifier: identical alerts (one group key) within
/// the grouping window go out as one message with their count, a rate limit caps messages per
/// window, and failures back off exponentially (429's Retry-After wins). Never called by the engine:
/// it reads what the engine committed, so a slow webhook never holds up a cycle. It writes nothing:
/// what it did comes back to the engine as `AlertDeliveryChange`s (`record`), which the engine commits.
public actor AlertSender {
    public struct Target: Sendable {
        public var notifier: Notifier
        public var minSeverity: AlertSeverity
    }

    let store: AppDatabase
    /// Commits what the sender did (the engine's `recordDelivery`), in order; a throw stops the pass.
    let record: @Sendable (AlertDeliveryChange) async throws -> Void
    let targets: [Target]
    let poster: any NotifierPoster
    let clock: any EngineClock
    let policy: AlertDeliveryPolicy
    /// Lines for the operator's log; they name notifiers only by their redacted URL.
    let log: @Sendable (String) -> Void
    /// Runs before each pass (the daily report).
    let beforePass: (@Sendable (Date) async -> Void)?

    public init(store: AppDatabase, record: @escaping @Sendable (AlertDeliveryChange) async throws -> Void,
                notifiers: [Notifier], minSeverity: AlertSeverity, poster: any NotifierPoster,
                clock: any EngineClock, policy: AlertDeliveryPolicy = AlertDeliveryPolicy(),
                log: @escaping @Sendable (String) -> Void = { _ in }, beforePass: (@Sendable (Date) async -> Void)? = nil) {
        self.store = store
        self.record = record
        self.targets = notifiers.map { Target(notifier: $0, minSeverity: $0.minSeverity ?? minSeverity) }
        self.poster = poster
        self.clock = clock
        self.policy = policy
        self.log = log
        self.beforePass = beforePass
    }

    /// Delivers until cancelled, looking for new alerts every `pollInterval` seconds.
    public func run(pollInterval: TimeInterval = 1) async {
        // What a previous process left is tried at once, whatever its backoff said.
        do { try await record(.retryPending(at: clock.now())) } catch { log("alert outbox: \(error)") }
        while !Task.isCancelled {
            await beforePass?(clock.now())
            let next = await deliverDue()
            let now = clock.now()
            let wake = min(next ?? .distantFuture, now.addingTimeInterval(pollInterval))
            do { try await clock.sleep(until: max(wake, now)) } catch { return }
        }
    }

    /// Delivers what the outbox holds, holding back nothing for grouping, for at most `seconds`
    /// (retries included). Returns how many deliveries are still pending (they go at the next start).
    @discardableResult
    public func drain(within seconds: TimeInterval) async -> Int {
        let deadline = clock.now().addingTimeInterval(seconds)
        while true {
            let next = await deliverDue(flush: true)
            let pending = pendingCount()
            guard pending > 0, let next, next < deadline, !Task.isCancelled else { return pending }
            do { try await clock.sleep(until: max(next, clock.now())) } catch { return pending }
        }
    }

    /// One pass over every notifier. Returns when the next pending delivery is due (nil: none pending).
    /// `flush` sends alerts held for grouping now (a stop, a `--once` run).
    @discardableResult
    public func deliverDue(flush: Bool = false) async -> Date? {
        var earliest: Date?
        do {
            try await record(.prepared(notifiers: targets.map { .init(key: $0.notifier.key, minSeverity: $0.minSeverity) }))
            for target in targets {
                if let next = try await deliver(to: target.notifier, flush: flush) { earliest = min(earliest ?? next, next) }
            }
            try await record(.closed(notifiers: targets.map(\.notifier.key), at: clock.now()))
        } catch {
            log("alert outbox: \(error)")
            return clock.now().addingTimeInterval(policy.backoffBase)
        }
        return earliest
    }

    private func deliver(to notifier: Notifier, flush: Bool) async throws -> Date? {
        var done = Set<String>()
        while true {
            let now = clock.now()
            let pending = try store.pendingDeliveries(notifier: notifier.key)
            guard let lead = pending.first(where: { $0.nextAttemptAt <= now && !done.contains($0.alert.alert.groupKey) }) else {
                return pending.map(\.nextAttemptAt).min()
            }
            let key = lead.alert.alert.groupKey
            done.insert(key)
            let group = pending.filter { $0.alert.alert.groupKey == key }
            let lastSent = try store.lastSent(notifier: notifier.key, groupKey: key)
            if !flush, let last = lastSent, now < last.addingTimeInterval(policy.groupWindow) {
                try await record(.postponed(notifier: notifier.key, alerts: group.map(\.alert.id), until: last.addingTimeInterval(policy.groupWindow)))
                continue
            }
            let recent = try store.sentMessages(notifier: notifier.key, since: now.addingTimeInterval(-policy.rateWindow))
            if recent.count >= policy.rateLimit {
                let until = (recent.oldest ?? now).addingTimeInterval(policy.rateWindow)
                try await record(.postponed(notifier: notifier.key, alerts: pending.filter { $0.nextAttemptAt < until }.map(\.alert.id), until: until))
                log("alerts to \(notifier.redacted): rate limit of \(policy.rateLimit) per \(Int(policy.rateWindow / 60)) min reached; \(pending.count) wait until \(until.iso8601)")
                return until
            }
            let newest = group.max { $0.alert.id < $1.alert.id }!
            // The count covers the time since this group was last sent, when that was within the window.
            var first = group.map(\.alert.createdAt).min()!
            if let last = lastSent, first.timeIntervalSince(last) < policy.groupWindow { first = min(first, last) }
            let severity = group.map(\.alert.alert.severity).max()!
            let message = AlertDeliveryPolicy.groupedMessage(newest.alert.alert.message, count: group.count, from: first, to: now)
            let response = await poster.post(notifier.request(title: newest.alert.alert.title, message: message, severity: severity))
            if response.delivered {
                try await record(.sent(notifier: notifier.key, lead: newest.alert.id,
                                       grouped: group.map(\.alert.id).filter { $0 != newest.alert.id }, at: clock.now()))
            } else {
                let attempts = (group.map(\.attempts).max() ?? 0) + 1
                let retryAt = clock.now().addingTimeInterval(policy.retryDelay(attempts: attempts, retryAfter: response.retryAfter))
                let error = notifier.scrub(response.summary)
                try await record(.failed(notifier: notifier.key, attempted: group.map(\.alert.id), error: error, retryAt: retryAt))
                log("alert '\(newest.alert.alert.title)' to \(notifier.redacted) failed (attempt \(attempts)): \(error); next attempt at \(retryAt.iso8601)")
                return retryAt
            }
        }
    }

    private func pendingCount() -> Int {
        (try? targets.reduce(0) { $0 + (try store.pendingDeliveries(notifier: $1.notifier.key).count) }) ?? 0
    }
}
