import Foundation
import GRDB
import MammonCore

/// An alert as queued in the outbox.
public struct OutboxAlert: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Date
    public var alert: Alert
}

/// One notifier's not-yet-sent copy of an alert.
public struct PendingDelivery: Sendable, Hashable {
    public var alert: OutboxAlert
    public var attempts: Int
    public var nextAttemptAt: Date
}

/// One delivery row as stored (for `mammon`'s tests and diagnostics).
public struct DeliveryRow: Sendable, Hashable {
    public var alertID: Int64
    public var notifier: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
}

/// The alert outbox: queued with the events that caused the alerts, delivered by the sender, its
/// deliveries recorded by the engine (`AlertDeliveryChange`).
enum AlertOutbox {
    static func queue(_ alerts: [Alert], at: Date, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO alert_outbox(created_at, severity, title, message, group_key) VALUES (?, ?, ?, ?, ?)")
        for a in alerts {
            try insert.execute(arguments: [at.sqliteText, a.severity.rawValue, a.title, a.message, a.groupKey])
        }
    }

    static func alert(_ row: Row) throws -> OutboxAlert {
        let severityText: String = row["severity"]
        guard let severity = AlertSeverity(rawValue: severityText), let created = Date(sqliteText: row["created_at"]) else {
            throw StoreError.corruptRow(table: "alert_outbox", detail: "alert \(row["id"] as Int64)")
        }
        return OutboxAlert(id: row["id"], createdAt: created,
                           alert: Alert(severity: severity, title: row["title"], message: row["message"], groupKey: row["group_key"]))
    }
}

extension AppDatabase {
    /// A notifier's pending deliveries, failures first, then oldest first.
    public func pendingDeliveries(notifier: String) throws -> [PendingDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, d.attempts, d.next_attempt_at FROM alert_delivery d JOIN alert_outbox a ON a.id = d.alert_id
                WHERE d.notifier = ? AND d.status = 'pending'
                ORDER BY CASE a.severity WHEN 'failure' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.id
                """, arguments: [notifier]).map { row in
                guard let next = Date(sqliteText: row["next_attempt_at"]) else {
                    throw StoreError.corruptRow(table: "alert_delivery", detail: "next_attempt_at of alert \(row["id"] as Int64)")
                }
                return PendingDelivery(alert: try AlertOutbox.alert(row), attempts: row["attempts"], nextAttemptAt: next)
            }
        }
    }

    /// When this notifier last sent a message for `groupKey`.
    public func lastSent(notifier: String, groupKey: String) throws -> Date? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT MAX(d.sent_at) FROM alert_delivery d JOIN alert_outbox a ON a.id = d.alert_id
                WHERE d.notifier = ? AND d.status = 'sent' AND a.group_key = ?
                """, arguments: [notifier, groupKey]).flatMap(Date.init(sqliteText:))
        }
    }

    /// Messages this notifier sent since `since` (grouped alerts rode along in one), and the oldest one's time.
    public func sentMessages(notifier: String, since: Date) throws -> (count: Int, oldest: Date?) {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, MIN(sent_at) AS oldest FROM alert_delivery WHERE notifier = ? AND status = 'sent' AND sent_at > ?
                """, arguments: [notifier, since.sqliteText])
            let count: Int = row?["n"] ?? 0
            let oldest: String? = row?["oldest"]
            return (count, oldest.flatMap(Date.init(sqliteText:)))
        }
    }

    /// When an alert with `groupKey` was last queued (e.g. today's report).
    public func lastQueued(groupKey: String) throws -> Date? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT MAX(created_at) FROM alert_outbox WHERE group_key = ?", arguments: [groupKey])
                .flatMap(Date.init(sqliteText:))
        }
    }

    /// Every alert in the outbox, oldest first.
    public func outboxAlerts() throws -> [OutboxAlert] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert_outbox ORDER BY id").map(AlertOutbox.alert) }
    }

    /// Every delivery row, by alert.
    public func alertDeliveries() throws -> [DeliveryRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_delivery ORDER BY alert_id, notifier").map {
                DeliveryRow(alertID: $0["alert_id"], notifier: $0["notifier"], status: $0["status"], attempts: $0["attempts"], lastError: $0["last_error"])
            }
        }
    }
}

extension AppDatabase {
    /// When the first event was recorded (nil: an empty database).
    public func firstEventAt() throws -> Date? {
        try read { db in try String.fetchOne(db, sql: "SELECT at FROM event ORDER BY seq LIMIT 1").flatMap(Date.init(iso8601:)) }
    }
}
