import Foundation

/// A short message on the status line until `until`.
public struct Flash: Hashable, Sendable {
    public var text: String
    public var severity: LogLine.Severity
    public var until: Date

    public init(text: String, severity: LogLine.Severity, until: Date) {
        self.text = text
        self.severity = severity
        self.until = until
    }
}
