import Foundation
import Store
import XCTest

/// Alerts from the built binary to a local webhook receiver (Tests/Alerts/webhook_receiver.py):
/// delivery through retries, after a SIGKILL, `mammon alert test`, and secrets kept out of the
/// database and the output.
final class AlertBinaryTests: XCTestCase {
    static let token = "Zq7SeCrEtT0kEnZq7"
    var dir: String!
    var receivers: [Receiver] = []

    override func setUp() {
        dir = NSTemporaryDirectory() + "mammon-alerts-e2e-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() {
        for r in receivers { r.stop() }
        try? FileManager.default.removeItem(atPath: dir)
    }

    func receiver(_ responses: String, port: Int = 0) throws -> Receiver {
        let r = try Receiver(responses: responses, log: dir + "/received-\(receivers.count).jsonl", port: port)
        receivers.append(r)
        return r
    }

    /// Writes the URL file with `mode`.
    func urlFile(_ lines: [String], mode: Int = 0o600) throws -> String {
        let path = dir + "/notify.urls"
        try ("# notifiers\n" + lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, mode_t(mode)), 0)
        return path
    }

    /// Every byte under the test folder except the URL file itself: the database, its WAL, sockets' folders.
    func storedBytes() throws -> Data {
        var all = Data()
        let files = FileManager.default.enumerator(atPath: dir)!.compactMap { $0 as? String }
        for f in files where !f.hasSuffix("notify.urls") && !f.hasPrefix("received") {
            if let d = FileManager.default.contents(atPath: dir + "/" + f) { all.append(d) }
        }
        return all
    }

    func testOnceDeliversTheStrandedFailureThroughA500AndA429AndKeepsTheTokenSecret() throws {
        let bin = try BuiltBinary.require()
        let hook = try receiver("500,429,200")
        let urls = try urlFile(["json://127.0.0.1:\(hook.port)/hook/\(Self.token)"])
        let started = Date()
        let r = try bin.run(["--no-ui", "--once", "--db", dir + "/sim.sqlite"],
                            environment: ["NOTIFY_URLS_FILE": urls, "MAMMON_SIMULATED_FAULTS": "revert:deposit"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the drain is bounded and the retries are short")
        let received = try hook.requests()
        XCTAssertEqual(Array(received.prefix(3)).map(\.status), [500, 429, 200], r.stderr)
        let delivered = received.filter { $0.status == 200 }.map(\.body)
        XCTAssertEqual(delivered.count, Set(delivered).count, "each alert is delivered once")
        let stranded = try delivered.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["title"] as? String == "Funds stranded in the wallet" }
        XCTAssertFalse(stranded.isEmpty)
        XCTAssertTrue(stranded.allSatisfy { $0["type"] as? String == "failure" && $0["version"] as? String == "1.0" })
        XCTAssertTrue(received.allSatisfy { $0.path == "/hook/\(Self.token)" })
        // The token is a secret: nowhere in what the engine wrote or printed.
        XCTAssertNil(try storedBytes().range(of: Data(Self.token.utf8)), "the token reached the database")
        XCTAssertFalse(r.stdout.contains(Self.token))
        XCTAssertFalse(r.stderr.contains(Self.token), r.stderr)
        XCTAssertTrue(r.stderr.contains("json://127.0.0.1:\(hook.port)/hook…"), "the log names the notifier redacted: \(r.stderr)")
        let store = try AppDatabase.openReadOnly(path: dir + "/sim.sqlite")
        XCTAssertEqual(Set(try store.alertDeliveries().map(\.status)).subtracting(["sent", "grouped", "filtered"]), [], "nothing left pending")
    }

    func testAnEngineKilledWithAlertsInTheOutboxDeliversThemAfterRestart() throws {
        let bin = try BuiltBinary.require()
        let down = try receiver("200")
        let port = down.port
        down.stop()   // nobody listens: deliveries fail and stay queued
        let urls = try urlFile(["json://127.0.0.1:\(port)/hook/\(Self.token)?severity=info"])
        let db = dir + "/sim.sqlite"
        let engine = try RunningEngine(bin, arguments: ["--db", db],
                                       environment: ["NOTIFY_URLS_FILE": urls, "MAMMON_SIMULATED_FAULTS": "revert:deposit"])
        let killed = engine.stop(SIGKILL)
        XCTAssertEqual(engine.process.terminationReason, .uncaughtSignal)
        // Queued with their events; nothing got through (the sender may not even have tried yet).
        let killedStore = try AppDatabase.openReadOnly(path: db)
        XCTAssertTrue(try killedStore.outboxAlerts().contains { $0.alert.title == "Funds stranded in the wallet" })
        XCTAssertFalse(try killedStore.alertDeliveries().contains { $0.status == "sent" })

        let up = try receiver("200", port: port)
        let restart = try bin.run(["--no-ui", "--once", "--db", db], environment: ["NOTIFY_URLS_FILE": urls])
        XCTAssertEqual(restart.status, 0, restart.stderr)
        let titles = try up.requests().map { try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as! [String: Any] }.compactMap { $0["title"] as? String }
        for title in ["Engine started", "Funds stranded in the wallet", "Engine restarted after a crash"] {
            XCTAssertEqual(titles.filter { $0 == title }.count, 1, "\(title) in \(titles)")
        }
        XCTAssertEqual(Set(try AppDatabase.openReadOnly(path: db).alertDeliveries().map(\.status)).subtracting(["sent", "grouped", "filtered"]), [])
        XCTAssertNil(try storedBytes().range(of: Data(Self.token.utf8)))
        XCTAssertFalse(killed.stderr.contains(Self.token) || restart.stderr.contains(Self.token) || restart.stdout.contains(Self.token))
    }

    func testAlertTestReportsEachNotifierRedactedAndFailsWhenOneFails() throws {
        let bin = try BuiltBinary.require()
        let ok = try receiver("200")
        let gone = try receiver("200")
        let gonePort = gone.port
        gone.stop()
        let urls = try urlFile(["json://127.0.0.1:\(ok.port)/ok/\(Self.token)", "json://127.0.0.1:\(gonePort)/gone/\(Self.token)"])
        let r = try bin.run(["alert", "test"], environment: ["NOTIFY_URLS_FILE": urls])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("ok     json://127.0.0.1:\(ok.port)/ok/Z…: HTTP 200"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FAILED json://127.0.0.1:\(gonePort)/gone…: couldNotConnect"), r.stdout)
        XCTAssertFalse(r.stdout.contains(Self.token) || r.stderr.contains(Self.token))
        let body = try XCTUnwrap(ok.requests().first?.body)
        XCTAssertTrue(body.contains("\"title\":\"Mammon test alert\""), body)
    }

    func testAURLFileOthersCanReadIsRefused() throws {
        let bin = try BuiltBinary.require()
        let urls = try urlFile(["json://127.0.0.1:9/hook/\(Self.token)"], mode: 0o644)
        let r = try bin.run(["--no-ui", "--once", "--db", dir + "/sim.sqlite"], environment: ["NOTIFY_URLS_FILE": urls])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("too open") && r.stderr.contains("chmod 600 \(urls)"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/sim.sqlite"), "refused before anything is written")
        let bad = try urlFile(["json://127.0.0.1:9/a", "ftp://host/\(Self.token)"])
        let r2 = try bin.run(["alert", "test"], environment: ["NOTIFY_URLS_FILE": bad])
        XCTAssertEqual(r2.status, 78)
        XCTAssertTrue(r2.stderr.contains("line 3: unsupported scheme 'ftp'"), r2.stderr)
        XCTAssertFalse(r2.stderr.contains(Self.token))
    }
}

/// The receiver script as a process.
final class Receiver {
    struct Request: Decodable { var path: String; var status: Int; var body: String }
    let process = Process()
    let log: String
    let port: Int
    private var stopped = false

    init(responses: String, log: String, port: Int) throws {
        self.log = log
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Alerts/webhook_receiver.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--responses", responses, "--log", log, "--port", String(port)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("the webhook receiver did not start")
        }
        self.port = port
    }

    func requests() throws -> [Request] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        // SIGKILL: the test process may have SIGTERM blocked, and the child inherits its mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
