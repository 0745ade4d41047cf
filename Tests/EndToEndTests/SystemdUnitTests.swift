import Foundation
import XCTest

/// The systemd units in packaging/systemd: `systemd-analyze verify` finds nothing to say about them,
/// and they keep the promises the engine relies on.
final class SystemdUnitTests: XCTestCase {
    static let units = ["mammon.service", "mammon@.service"]

    func testTheUnitsPassSystemdAnalyzeVerify() throws {
        let bin = try BuiltBinary.require()
        for unit in Self.units {
            let text = try Repository.read("packaging/systemd/" + unit)
            XCTAssertEqual(try verify(text, named: unit, binary: bin.url.path), [], unit)
        }
    }

    func testVerifyWarningsAboutAUnitAreCaught() throws {
        let bin = try BuiltBinary.require()
        let text = try Repository.read("packaging/systemd/mammon.service")
            .replacingOccurrences(of: "NoNewPrivileges=yes", with: "NoNewPrivilege=yes")
        let warnings = try verify(text, named: "mammon.service", binary: bin.url.path)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings.first?.contains("Unknown key 'NoNewPrivilege'") == true, "\(warnings)")
    }

    func testTheUnitsNotifyStopWithinTheBudgetAndDifferOnlyInTheNetwork() throws {
        let single = try Repository.read("packaging/systemd/mammon.service")
        let template = try Repository.read("packaging/systemd/mammon@.service")
        for text in [single, template] {
            let keys = Self.serviceSettings(text)
            XCTAssertEqual(keys["Type"], ["notify"])
            XCTAssertEqual(keys["NotifyAccess"], ["main"])
            XCTAssertEqual(keys["Restart"], ["on-failure"])
            XCTAssertNotNil(keys["WatchdogSec"])
            XCTAssertEqual(keys["MemoryDenyWriteExecute"], ["yes"])
            XCTAssertEqual(keys["CapabilityBoundingSet"], [""])
            XCTAssertEqual(keys["StateDirectory"], ["mammon"])
            XCTAssertEqual(keys["RuntimeDirectory"], ["mammon lock/mammon"], "the wallet lock's fixed folder is writable under ProtectSystem=strict")
            // The engine's stop budget (STOP_BUDGET_SECONDS, default 60 s) must end before systemd's SIGKILL.
            let stop = try XCTUnwrap(keys["TimeoutStopSec"]?.first)
            XCTAssertTrue(stop.hasSuffix("s") && (Int(stop.dropLast()) ?? 0) > 60, "TimeoutStopSec=\(stop)")
        }
        // Everything but the lines that name the network is the same in both.
        func shared(_ text: String) -> [String] {
            Self.serviceLines(text).filter { !$0.contains("%i") && !$0.contains("--network base") && !$0.contains("/etc/mammon/") }
        }
        XCTAssertEqual(shared(single), shared(template))
        XCTAssertTrue(single.contains("ExecStart=/usr/local/bin/mammon --no-ui --network base "))
        XCTAssertTrue(template.contains("ExecStart=/usr/local/bin/mammon --no-ui --network %i "))
    }

    func testTheSysusersEntryCreatesTheServiceUser() throws {
        let sysusers = try Self.systemdTool("systemd-sysusers")
        let root = NSTemporaryDirectory() + "mammon-sysusers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sysusers)
        p.arguments = ["--root=" + root, Repository.root.appendingPathComponent("packaging/systemd/mammon.sysusers").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let passwd = try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8)
        let entry = try XCTUnwrap(passwd.split(separator: "\n").first { $0.hasPrefix("mammon:") }, passwd)
        let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
        XCTAssertLessThan(Int(fields[2]) ?? 0, 1000, "a system user")
        XCTAssertEqual(fields[5], "/var/lib/mammon", "home is the unit's StateDirectory")
        XCTAssertTrue(fields[6].hasSuffix("nologin"))
    }

    static func systemdTool(_ name: String) throws -> String {
        guard let path = ["/usr/bin/", "/bin/"].map({ $0 + name }).first(where: FileManager.default.isExecutableFile) else {
            let message = "\(name) is not installed (Debian package systemd; make test-deps)"
            if ProcessInfo.processInfo.environment["MAMMON_REQUIRE_ALL_SUITES"] == "1" { XCTFail(message) }
            throw XCTSkip(message)
        }
        return path
    }

    /// Runs `systemd-analyze verify` on a copy of the unit whose ExecStart names `binary` (verify wants
    /// it to exist) and returns what it says about the unit.
    func verify(_ text: String, named name: String, binary: String) throws -> [String] {
        let analyze = try Self.systemdTool("systemd-analyze")
        let dir = NSTemporaryDirectory() + "mammon-unit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + name
        try text.replacingOccurrences(of: "/usr/local/bin/mammon", with: binary).write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: analyze)
        p.arguments = ["verify", "--man=no", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Other units on this machine may draw remarks too; only this unit's count.
        let unitName = name.replacingOccurrences(of: ".service", with: "")
        let remarks = output.split(separator: "\n").map(String.init).filter { $0.contains(dir) || $0.contains(unitName) }
        XCTAssertEqual(p.terminationStatus, 0, output)
        return remarks
    }

    /// The [Service] section's setting lines, comments and blank lines left out.
    static func serviceLines(_ text: String) -> [String] {
        var inService = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("[") { inService = line == "[Service]"; continue }
            if inService, !line.isEmpty, !line.hasPrefix("#") { lines.append(line) }
        }
        return lines
    }

    static func serviceSettings(_ text: String) -> [String: [String]] {
        var settings: [String: [String]] = [:]
        for line in serviceLines(text) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        return settings
    }
}

/// Files of this checkout, found from this source file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
}
