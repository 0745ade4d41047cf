import Foundation
import XCTest

/// `make install` into a staging directory, with the binary already built (it never builds).
final class InstallTests: XCTestCase {
    func testMakeInstallPutsEveryFileUnderDestdirAndPrefix() throws {
        let bin = try BuiltBinary.require()
        let stage = NSTemporaryDirectory() + "mammon-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: stage) }
        // Under root's cautious umask too, everything installed is readable by all.
        let make = try run("/bin/sh", ["-c", "umask 077 && exec make -C \"$0\" --no-print-directory install DESTDIR=\"$1\" PREFIX=/usr INSTALL_BINARY=\"$2\"",
                                       Repository.root.path, stage, bin.url.path])
        XCTAssertEqual(make.status, 0, make.output)
        for path in FileManager.default.enumerator(atPath: stage)?.compactMap({ $0 as? String }) ?? [] {
            let attributes = try FileManager.default.attributesOfItem(atPath: stage + "/" + path)
            let mode = (attributes[.posixPermissions] as? Int) ?? 0
            let executable = attributes[.type] as? FileAttributeType == .typeDirectory || path == "usr/bin/mammon"
            XCTAssertEqual(String(mode, radix: 8), executable ? "755" : "644", path)
        }
        func file(_ path: String) throws -> String {
            let full = stage + path
            XCTAssertTrue(FileManager.default.fileExists(atPath: full), "\(path) is not installed")
            return try String(contentsOfFile: full, encoding: .utf8)
        }

        let installed = stage + "/usr/bin/mammon"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed))
        // Stripped: smaller than the build, without a symbol table, and the same program (its version is the VERSION file's).
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        XCTAssertLessThan(size(installed), size(bin.url.path))
        let sections = try run("/usr/bin/readelf", ["--section-headers", installed])
        XCTAssertEqual(sections.status, 0, sections.output)
        XCTAssertFalse(sections.output.contains(".symtab"), "the installed binary still has its symbol table")
        let version = try run(installed, ["--version"])
        XCTAssertEqual(version.status, 0, version.output)
        let declared = try String(contentsOf: Repository.root.appendingPathComponent("VERSION"), encoding: .utf8)
        XCTAssertEqual(version.output.trimmingCharacters(in: .whitespacesAndNewlines), declared.trimmingCharacters(in: .whitespacesAndNewlines))
        let help = try run(installed, ["status", "--help"])
        XCTAssertEqual(help.status, 0, help.output)
        // The benchmarks are their own executable: the installed binary has no `bench` command, and
        // nothing but mammon lands in bin.
        let commands = try run(installed, ["--help"])
        XCTAssertEqual(commands.status, 0, commands.output)
        XCTAssertTrue(commands.output.contains("emergency-stop"), commands.output)
        XCTAssertFalse(commands.output.contains("bench"), commands.output)
        XCTAssertNotEqual(try run(installed, ["bench", "--only", "evm"]).status, 0, "mammon bench still runs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stage + "/usr/bin"), ["mammon"])

        for theme in ["default", "light", "high-contrast", "monochrome", "solarized-dark", "gruvbox-dark"] {
            XCTAssertTrue(try file("/usr/share/mammon/themes/\(theme).theme").contains("text = "), theme)
        }

        for unit in ["mammon.service", "mammon@.service"] {
            let text = try file("/usr/lib/systemd/system/" + unit)
            XCTAssertTrue(text.contains("ExecStart=/usr/bin/mammon --no-ui "), "\(unit) runs the installed binary")
            XCTAssertFalse(text.contains("/usr/local/"), unit)
        }
        XCTAssertTrue(try file("/usr/lib/sysusers.d/mammon.conf").contains("u mammon "))

        let completions = [
            try file("/usr/share/bash-completion/completions/mammon"),
            try file("/usr/share/zsh/site-functions/_mammon"),
            try file("/usr/share/fish/vendor_completions.d/mammon.fish"),
        ]
        for script in completions {
            for subcommand in ["status", "history", "emergency-stop", "wallet"] {
                XCTAssertTrue(script.contains(subcommand), "a completion script lacks \(subcommand)")
            }
            XCTAssertTrue(script.contains("--no-ui"), "the flags of run (the default command) complete too")
        }
        XCTAssertTrue(completions[1].hasPrefix("#compdef mammon"))
        XCTAssertTrue(completions[2].contains("complete -c 'mammon'"))

        let uninstall = try run("/usr/bin/make", ["-C", Repository.root.path, "--no-print-directory", "uninstall",
                                                  "DESTDIR=\(stage)", "PREFIX=/usr"])
        XCTAssertEqual(uninstall.status, 0, uninstall.output)
        let left = FileManager.default.enumerator(atPath: stage)?.compactMap { $0 as? String }
            .filter { !((try? FileManager.default.attributesOfItem(atPath: stage + "/" + $0)[.type] as? FileAttributeType) == .typeDirectory) }
        XCTAssertEqual(left, [], "uninstall leaves no file behind")
    }

    func testInstallRefusesAMissingBinaryInsteadOfBuilding() throws {
        let stage = NSTemporaryDirectory() + "mammon-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let make = try run("/usr/bin/make", ["-C", Repository.root.path, "--no-print-directory", "install",
                                             "DESTDIR=\(stage)", "INSTALL_BINARY=\(stage)/missing/mammon"])
        XCTAssertNotEqual(make.status, 0)
        XCTAssertTrue(make.output.contains("is not built: run make release first"), make.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stage + "/usr/local/bin"))
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, output)
    }
}
