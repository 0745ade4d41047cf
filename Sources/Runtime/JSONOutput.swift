import Foundation

/// A flat object of strings on one line of stdout (`tx sign --json`, `tx decode --json`).
public enum JSONOutput {
    public static func print(_ object: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(object) + Data("\n".utf8))
    }
}
