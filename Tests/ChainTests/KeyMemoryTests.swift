import Foundation
import MammonCore
import Store
import XCTest

/// A signing key that cannot be locked in RAM (mlock refused) may reach swap: the engine says so at
/// start (stderr and an event) and `mammon status` says so while it runs.
final class KeyMemoryTests: DevnetTestCase {
    private var files: LiveRunFiles?

    override func tearDown() async throws {
        files?.remove()
        try await super.tearDown()
    }

    func testAKeyThatCannotBeLockedIsSaidOnStderrInTheEventLogAndInStatus() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        // No locked memory at all and, even as root, no CAP_IPC_LOCK to exceed it: mlock fails.
        let wrapper = files.directory.appendingPathComponent("no-mlock.sh").path
        try "#!/bin/sh\nexec prlimit --memlock=0:0 setpriv --bounding-set=-ipc_lock -- '\(binary.path)' \"$@\"\n"
            .write(toFile: wrapper, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(wrapper, 0o755), 0)
        let arguments = ["--no-ui", "--network-file", files.networkFile, "--keystore", files.keystore,
                         "--password-file", files.password, "--db", files.database]

        let unlocked = try SpawnedMammon(MammonBinary(path: wrapper), arguments)
        let warned = await unlocked.waitFor("memory could not be locked in RAM", inStderr: true)
        XCTAssertTrue(warned, unlocked.stderr)
        let started = await unlocked.waitFor("\"type\":\"scheduler.started\"")
        XCTAssertTrue(started, unlocked.stdout.suffix(2000).description)
        let notices = try AppDatabase.openReadOnly(path: files.database).recentEvents(limit: 50, of: [.notice])
        XCTAssertTrue(notices.contains { if case .notice(_, let text, _) = $0.kind { text.contains("could not be locked in RAM") } else { false } },
                      "an event in the log says it: \(notices.map(\.kind))")
        var status = try await binary.run(["status", "--json", "--db", files.database])
        XCTAssertEqual(try keyMemoryLocked(status), false, status.stdout)
        status = try await binary.run(["status", "--db", files.database])
        XCTAssertTrue(status.stdout.contains("WARNING      the signing key's memory could not be locked"), status.stdout)
        _ = await unlocked.stop(SIGTERM)

        // The same engine with mlock allowed: locked, and nothing said.
        let locked = try SpawnedMammon(binary, arguments)
        let lockedStarted = await locked.waitFor("\"type\":\"scheduler.started\"")
        XCTAssertTrue(lockedStarted, locked.stderr)
        status = try await binary.run(["status", "--json", "--db", files.database])
        XCTAssertEqual(try keyMemoryLocked(status), true, status.stdout)
        _ = await locked.stop(SIGTERM)
        XCTAssertFalse(locked.stderr.contains("could not be locked"), locked.stderr)
    }

    private func keyMemoryLocked(_ status: MammonBinary.Result) throws -> Bool? {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stderr)
        return json["key_memory_locked"] as? Bool
    }
}
