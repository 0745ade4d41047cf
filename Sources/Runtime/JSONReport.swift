import Foundation
import MammonCore

/// What `status`, `history`, `markets`, `report` and `profitability` print with `--json`: pretty,
/// keys sorted, dates in ISO 8601, written by the project's one JSON writer (so control characters
/// are escaped as in every line Mammon writes: the text can quote a node or a contract).
public enum JSONReport {
    public static func text<T: Encodable>(_ value: T) throws -> String { try JSONLineWriter.encode(value, style: .report) }
}
