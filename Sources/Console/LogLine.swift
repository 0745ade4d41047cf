import Foundation

/// One line of the event log view.
public struct LogLine: Hashable, Sendable {
    public enum Severity: Hashable, Sendable { case info, warning, error }

    public var at: Date
    public var type: String
    public var text: String
    public var severity: Severity

    public init(at: Date, type: String, text: String, severity: Severity = .info) {
        self.at = at
        self.type = type
        self.text = text
        self.severity = severity
    }
}
