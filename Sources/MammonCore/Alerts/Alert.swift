import Foundation

/// How much an alert matters. Ordered: a notifier set to `warning` receives warnings and failures.
public enum AlertSeverity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, warning, failure

    public init?(text: String) { self.init(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .failure: 2
        }
    }

    /// Apprise's notification type of the same meaning (`info`, `warning`, `failure`).
    public var appriseType: String { rawValue }
}

/// Something the operator should hear about when nobody watches the console.
public struct Alert: Codable, Hashable, Sendable {
    public var severity: AlertSeverity
    public var title: String
    public var message: String
    /// Alerts with the same key within the grouping window are sent as one, with their count.
    public var groupKey: String

    public init(severity: AlertSeverity, title: String, message: String, groupKey: String) {
        self.severity = severity
        self.title = title
        self.message = message
        self.groupKey = groupKey
    }
}
