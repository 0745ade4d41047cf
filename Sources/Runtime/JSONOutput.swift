import Foundation
import MammonCore

/// A flat object of strings on one line of stdout (`tx sign --json`, `tx decode --json`): keys sorted,
/// written by the project's one JSON writer.
public enum JSONOutput {
    public static func print(_ object: [String: String]) throws {
        FileHandle.standardOutput.write(Data(try JSONLineWriter.bytes(object, style: .sorted) + [UInt8(ascii: "\n")]))
    }
}
