import Foundation
import TerminalKit
import XCTest

/// Compares a screen with a golden text file in Tests/ConsoleTests/Snapshots. Run with
/// `MAMMON_UPDATE_SNAPSHOTS=1` to write the files instead (then review the diff before committing).
func assertSnapshot(_ buffer: ScreenBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = directory.appendingPathComponent("\(name).txt")
    // A frame of `|` shows trailing spaces and the exact width.
    let text = "size \(buffer.size.width)x\(buffer.size.height)\n" + buffer.lines.map { "|\($0)|" }.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["MAMMON_UPDATE_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try! text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("no snapshot \(url.path); run with MAMMON_UPDATE_SNAPSHOTS=1 to record it", file: file, line: line)
        return
    }
    if expected != text {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = Array(zip(e, a)).firstIndex { $0.0 != $0.1 } ?? min(e.count, a.count)
        XCTFail("""
            snapshot \(name) differs at line \(first + 1):
            expected: \(first < e.count ? String(e[first]) : "<end>")
            actual:   \(first < a.count ? String(a[first]) : "<end>")
            (MAMMON_UPDATE_SNAPSHOTS=1 rewrites it)
            """, file: file, line: line)
    }
}
