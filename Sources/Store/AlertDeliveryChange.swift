import Foundation
import GRDB
import MammonCore

/// What the alert sender did with the outbox, as a value the engine commits
/// (`StoreMutation.alertDelivery`): the sender delivers, the engine writes.
public enum AlertDeliveryChange: Sendable, Hashable {
    /// Every open alert gets a delivery row for each notifier that has none: pending, or filtered when
    /// the alert is below the notifier's minimum severity.
    case prepared(notifiers: [Notifier])
    /// A delivered message: `lead` carried it, `grouped` were counted in it.
    case sent(notifier: String, lead: Int64, grouped: [Int64], at: Date)
    /// A failed attempt of `attempted`; every pending delivery of this notifier due before `retryAt`
    /// moves to `retryAt` (the backoff is per notifier).
    case failed(notifier: String, attempted: [Int64], error: String, retryAt: Date)
    /// Every pending delivery due now: a new process tries at once what a previous one left.
    case retryPending(at: Date)
    /// Pending deliveries held until `until` (a grouping window, a rate limit).
    case postponed(notifier: String, alerts: [Int64], until: Date)
    /// Alerts every current notifier is done with are closed; closed ones older than `keep` forgotten.
    case closed(notifiers: [String], at: Date, keep: TimeInterval = 7 * 86_400)

    /// A notifier as the outbox knows it: its key and the least severity it is sent.
    public struct Notifier: Sendable, Hashable {
        public var key: String
        public var minSeverity: AlertSeverity
        public init(key: String, minSeverity: AlertSeverity) {
            self.key = key
            self.minSeverity = minSeverity
        }
    }

    func apply(_ db: Database) throws {
        switch self {
        case .prepared(let notifiers):
            for n in notifiers {
                let filtered = AlertSeverity.allCases.filter { $0 < n.minSeverity }.map { "'\($0.rawValue)'" }.joined(separator: ",")
                try db.execute(sql: """
                    INSERT INTO alert_delivery(alert_id, notifier, status, next_attempt_at)
                    SELECT a.id, ?, CASE WHEN a.severity IN (\(filtered.isEmpty ? "''" : filtered)) THEN 'filtered' ELSE 'pending' END, a.created_at
                    FROM alert_outbox a
                    WHERE a.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM alert_delivery d WHERE d.alert_id = a.id AND d.notifier = ?)
                    """, arguments: [n.key, n.key])
            }
        case .sent(let notifier, let lead, let grouped, let now):
            try db.execute(sql: "UPDATE alert_delivery SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE notifier = ? AND alert_id = ?",
                           arguments: [now.sqliteText, notifier, lead])
            for id in grouped {
                try db.execute(sql: "UPDATE alert_delivery SET status = 'grouped', sent_at = ? WHERE notifier = ? AND alert_id = ?",
                               arguments: [now.sqliteText, notifier, id])
            }
        case .failed(let notifier, let attempted, let error, let retryAt):
            for id in attempted {
                try db.execute(sql: "UPDATE alert_delivery SET attempts = attempts + 1, last_error = ? WHERE notifier = ? AND alert_id = ?",
                               arguments: [error, notifier, id])
            }
            try db.execute(sql: "UPDATE alert_delivery SET next_attempt_at = ? WHERE notifier = ? AND status = 'pending' AND next_attempt_at < ?",
                           arguments: [retryAt.sqliteText, notifier, retryAt.sqliteText])
        case .retryPending(let now):
            try db.execute(sql: "UPDATE alert_delivery SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?",
                           arguments: [now.sqliteText, now.sqliteText])
        case .postponed(let notifier, let alerts, let until):
            for id in alerts {
                try db.execute(sql: "UPDATE alert_delivery SET next_attempt_at = ? WHERE notifier = ? AND alert_id = ? AND status = 'pending'",
                               arguments: [until.sqliteText, notifier, id])
            }
        case .closed(let notifiers, let now, let keep):
            let placeholders = notifiers.map { _ in "?" }.joined(separator: ",")
            let doneFor = notifiers.isEmpty ? "0" : """
                (SELECT COUNT(*) FROM alert_delivery d WHERE d.alert_id = alert_outbox.id AND d.status != 'pending' AND d.notifier IN (\(placeholders)))
                """
            var arguments: [(any DatabaseValueConvertible)?] = [now.sqliteText]
            arguments += notifiers.map { $0 as (any DatabaseValueConvertible)? }
            arguments.append(notifiers.count)
            try db.execute(sql: "UPDATE alert_outbox SET closed_at = ? WHERE closed_at IS NULL AND \(doneFor) = ?",
                           arguments: StatementArguments(arguments))
            try db.execute(sql: "DELETE FROM alert_outbox WHERE closed_at IS NOT NULL AND closed_at < ?",
                           arguments: [now.addingTimeInterval(-keep).sqliteText])
        }
    }
}
