import Foundation
import MammonCore

/// What `status`, `history` and `markets` print with `--json`: pretty, keys sorted, dates in ISO 8601,
/// and control characters escaped (the text can quote a node or a contract).
public enum JSONReport {
    public static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .custom { d, e in var c = e.singleValueContainer(); try c.encode(d.iso8601) }
        return JSONLineWriter.escapingControlScalars(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
