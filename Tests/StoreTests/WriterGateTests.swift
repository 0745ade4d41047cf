import Foundation
import XCTest

/// One writer by construction: every write of `AppDatabase` is `@_spi(EngineWriter)`, so only a file
/// that imports the writer can write. This fails on any source file outside the engine and the store
/// that does (tests may: their fixtures seed rows).
final class WriterGateTests: XCTestCase {
    /// Files outside `Sources/Engine/` and `Sources/Store/` allowed the writer, and why.
    static let exceptions: [String: String] = [
        "Sources/mammon-bench/EngineBench.swift": "the event-append figure measures the store's commit on a throwaway database",
    ]

    func testOnlyTheEngineImportsTheStoresWriter() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        let files = try XCTUnwrap(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.allObjects as? [URL])
            .filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 100, "the scan must see the sources (found \(files.count) under \(sources.path))")
        let writer = try Regex(#"@_spi\s*\(\s*EngineWriter\s*\)"#)
        var importers: [String] = []
        var offenders: [String] = []
        for file in files {
            let relative = String(file.path.dropFirst(root.path.count + 1))
            guard try String(contentsOf: file, encoding: .utf8).contains(writer) else { continue }
            importers.append(relative)
            let allowed = relative.hasPrefix("Sources/Engine/") || relative.hasPrefix("Sources/Store/") || Self.exceptions[relative] != nil
            if !allowed { offenders.append(relative) }
        }
        XCTAssertEqual(offenders.sorted(), [], "only the engine writes the database: these files import the store's writer")
        XCTAssertTrue(importers.contains("Sources/Engine/Engine.swift"), "the engine itself imports the writer (the scan found \(importers.sorted()))")
        for exception in Self.exceptions.keys {
            XCTAssertTrue(importers.contains(exception), "\(exception) no longer needs its exception: remove it")
        }
    }
}
