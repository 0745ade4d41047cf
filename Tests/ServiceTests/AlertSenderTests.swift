import Chain
import Foundation
import MammonCore
import Service
@_spi(EngineWriter) import Store
import Synchronization
import XCTest

/// A poster that answers from a script (the last answer repeats) and records every request.
final class ScriptedPoster: NotifierPoster {
    private let state: Mutex<(script: [NotifierResponse], requests: [NotifierRequest])>
    init(_ script: [NotifierResponse] = [NotifierResponse(status: 200)]) { state = Mutex((script, [])) }

    func post(_ request: NotifierRequest) async -> NotifierResponse {
        state.withLock { s in
            s.requests.append(request)
            return s.script.count > 1 ? s.script.removeFirst() : s.script[0]
        }
    }

    var requests: [NotifierRequest] { state.withLock { $0.requests } }
    var messages: [String] {
        requests.compactMap { r in (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["message"] as? String }
    }
}

/// Delivery from the outbox, driven by hand on a manual clock: retries and backoff, Retry-After,
/// grouping, the rate limit, severity filters, restarts, and the drain of a stop.
final class AlertSenderTests: XCTestCase {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))
    let hook = try! Notifier(url: "json://127.0.0.1:9/hook/s3cr3t-t0ken")
    var store: AppDatabase!
    var path: String!

    override func setUp() {
        path = NSTemporaryDirectory() + "mammon-alerts-\(UUID().uuidString.prefix(8))/a.sqlite"
        store = try! AppDatabase.open(path: path)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

    /// What the engine's `recordDelivery` does with the sender's changes.
    var record: @Sendable (AlertDeliveryChange) async throws -> Void {
        { [store] change in try store!.commit([.alertDelivery(change)], events: []) }
    }

    func queue(_ alert: Alert) throws { try store.commit([.alertsQueued([alert], at: clock.now())], events: []) }

    func sender(_ poster: ScriptedPoster, notifiers: [Notifier]? = nil, min: AlertSeverity = .info) -> AlertSender {
        AlertSender(store: store, record: record, notifiers: notifiers ?? [hook], minSeverity: min, poster: poster, clock: clock)
    }

    static let stranded = Alert(severity: .failure, title: "Funds stranded in the wallet", message: "stranded", groupKey: "execution.stranded:1")

    func testFailuresBackOffAndA429RetryAfterIsHonouredThenDeliveredExactlyOnce() async throws {
        let poster = ScriptedPoster([NotifierResponse(status: 500), NotifierResponse(status: 429, retryAfter: 1), NotifierResponse(status: 200)])
        let sender = sender(poster)
        try queue(Self.stranded)
        let afterFailure = await sender.deliverDue()
        XCTAssertEqual(afterFailure, clock.now().addingTimeInterval(2), "first retry after the backoff base")
        await sender.deliverDue()
        XCTAssertEqual(poster.requests.count, 1, "nothing is retried before its time")
        clock.advance(by: 2)
        let afterThrottle = await sender.deliverDue()
        XCTAssertEqual(afterThrottle, clock.now().addingTimeInterval(1), "Retry-After, not the longer backoff")
        clock.advance(by: 1)
        let afterSuccess = await sender.deliverDue()
        XCTAssertNil(afterSuccess)
        clock.advance(by: 3600)
        await sender.deliverDue()
        XCTAssertEqual(poster.requests.count, 3)
        XCTAssertEqual(poster.messages, ["stranded", "stranded", "stranded"])
        let rows = try store.alertDeliveries()
        XCTAssertEqual(rows.map(\.status), ["sent"])
        XCTAssertEqual(rows.first?.attempts, 3)
    }

    func testAlertsSurviveARestartUntilDelivered() async throws {
        try queue(Self.stranded)
        let down = ScriptedPoster([NotifierResponse(status: nil, error: "couldNotConnect: Connection refused")])
        await sender(down).deliverDue()
        XCTAssertEqual(try store.alertDeliveries().map(\.status), ["pending"])
        XCTAssertEqual(try store.alertDeliveries().first?.lastError, "couldNotConnect: Connection refused")
        store = try AppDatabase.open(path: path)   // a new process on the same database
        let up = ScriptedPoster()
        clock.advance(by: 2)
        await sender(up).deliverDue()
        XCTAssertEqual(up.messages, ["stranded"])
        XCTAssertEqual(try store.alertDeliveries().map(\.status), ["sent"])
    }

    func testIdenticalAlertsWithinTheWindowAreGroupedWithTheirCount() async throws {
        let poster = ScriptedPoster()
        let sender = sender(poster)
        let feed = Alert(severity: .failure, title: "Price feed unusable", message: "stale", groupKey: "price.feed")
        try queue(feed)
        await sender.deliverDue()
        for _ in 0..<5 {
            clock.advance(by: 60)
            try queue(feed)
            await sender.deliverDue()
        }
        XCTAssertEqual(poster.messages, ["stale"], "held for the grouping window")
        clock.advance(by: 300)   // 10 min after the first was sent
        await sender.deliverDue()
        XCTAssertEqual(poster.messages, ["stale", "stale (×5 in 10 min)"])
        XCTAssertEqual(try store.alertDeliveries().map(\.status).sorted(), ["grouped", "grouped", "grouped", "grouped", "sent", "sent"])
    }

    func testAFlappingConditionIsRateLimitedPerNotifier() async throws {
        let poster = ScriptedPoster()
        let other = try Notifier(url: "discord://123456789/abcdefghijk")
        let otherPoster = ScriptedPoster()
        let sender = sender(poster)
        // 30 distinct alerts in 3 minutes: a breaker flapping between tripped and resumed, with new executions failing.
        for i in 0..<30 {
            try queue(Alert(severity: .warning, title: "Execution failed", message: "failure \(i)", groupKey: "flap:\(i)"))
            await sender.deliverDue()
            clock.advance(by: 6)
        }
        XCTAssertEqual(poster.requests.count, 10, "10 per 10 min")
        let pending = try store.pendingDeliveries(notifier: hook.key)
        XCTAssertEqual(pending.count, 20)
        XCTAssertTrue(pending.allSatisfy { $0.nextAttemptAt == Date(timeIntervalSince1970: 1_800_007_200 + 600) }, "they wait for the window")
        clock.advance(by: 600)
        await sender.deliverDue()
        XCTAssertEqual(poster.requests.count, 20, "the next window's 10")
        // The limit is per notifier: another one is not held back by this one's count.
        let second = AlertSender(store: store, record: record, notifiers: [other], minSeverity: .info, poster: otherPoster, clock: clock)
        await second.deliverDue()
        XCTAssertEqual(otherPoster.requests.count, 10)
    }

    func testSeverityFiltersPerNotifierAndTheDefault() async throws {
        let infoHook = try Notifier(url: "json://127.0.0.1:9/all?severity=info")
        let poster = ScriptedPoster()
        let sender = AlertSender(store: store, record: record, notifiers: [hook, infoHook], minSeverity: .warning, poster: poster, clock: clock)
        try queue(Alert(severity: .info, title: "Engine started", message: "started", groupKey: "engine.started"))
        try queue(Self.stranded)
        await sender.deliverDue()
        XCTAssertEqual(poster.requests.map(\.url), ["http://127.0.0.1:9/hook/s3cr3t-t0ken", "http://127.0.0.1:9/all", "http://127.0.0.1:9/all"])
        XCTAssertEqual(Set(try store.alertDeliveries().map(\.status)), ["sent", "filtered"])
        XCTAssertTrue(try store.outboxAlerts().isEmpty == false)
        XCTAssertEqual(try store.pendingDeliveries(notifier: hook.key), [])
    }

    func testDrainDeliversHeldAlertsAndGivesUpAtItsBound() async throws {
        let poster = ScriptedPoster()
        let sender = sender(poster)
        let feed = Alert(severity: .failure, title: "Price feed unusable", message: "stale", groupKey: "price.feed")
        try queue(feed)
        await sender.deliverDue()
        try queue(feed)
        let left = await sender.drain(within: 10)
        XCTAssertEqual(left, 0)
        XCTAssertEqual(poster.messages, ["stale", "stale"], "a stop sends what grouping held")

        let failing = ScriptedPoster([NotifierResponse(status: 503)])
        try queue(Self.stranded)
        let stopping = self.sender(failing)
        let drained = Task { await stopping.drain(within: 10) }
        // Each retry sleeps on the manual clock: move it until the drain gives up (2 + 4 s, then 8 s is past the bound).
        for _ in 0..<2 {
            await clock.waitForSleepers()
            clock.advance(by: clock.sleepingUntil.max()!.timeIntervalSince(clock.now()))
        }
        let stillPending = await drained.value
        XCTAssertEqual(stillPending, 1, "left for the next start")
        XCTAssertEqual(failing.requests.count, 3)
    }

    /// Real HTTP: libcurl through the RPC transport to a local receiver answering 500, 429, 200.
    func testTheCurlPosterAgainstALocalReceiver() async throws {
        let receiver = try WebhookReceiver(responses: "500,429,200")
        defer { receiver.stop() }
        let notifier = try Notifier(url: "json://127.0.0.1:\(receiver.port)/hooks/T0PS3CR3TT0KEN")
        let sender = AlertSender(store: store, record: record, notifiers: [notifier], minSeverity: .warning, poster: CurlNotifierPoster(), clock: clock)
        try queue(Self.stranded)
        await sender.deliverDue()
        XCTAssertEqual(try store.alertDeliveries().first?.lastError, "HTTP 500")
        clock.advance(by: 2)
        let next = await sender.deliverDue()
        XCTAssertEqual(next, clock.now().addingTimeInterval(1), "Retry-After: 1 read by libcurl")
        clock.advance(by: 1)
        await sender.deliverDue()
        let received = try receiver.requests()
        XCTAssertEqual(received.map(\.status), [500, 429, 200])
        XCTAssertEqual(received.filter { $0.status == 200 }.count, 1, "delivered exactly once")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(received[2].body.utf8)) as? [String: Any])
        XCTAssertEqual(body["version"] as? String, "1.0")
        XCTAssertEqual(body["type"] as? String, "failure")
        XCTAssertEqual(body["title"] as? String, "Funds stranded in the wallet")
        XCTAssertEqual(received[2].path, "/hooks/T0PS3CR3TT0KEN")
    }
}

/// Tests/Alerts/webhook_receiver.py on 127.0.0.1.
final class WebhookReceiver {
    struct Received: Decodable { var path: String; var status: Int; var body: String }
    let process = Process()
    let log: String
    let port: Int

    init(responses: String) throws {
        log = NSTemporaryDirectory() + "mammon-webhook-\(UUID().uuidString.prefix(8)).jsonl"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Alerts/webhook_receiver.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--responses", responses, "--log", log]
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
            throw NSError(domain: "WebhookReceiver", code: 1, userInfo: [NSLocalizedDescriptionKey: "the receiver did not start"])
        }
        self.port = port
    }

    func requests() throws -> [Received] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    func stop() {
        // SIGKILL: the test process may have SIGTERM blocked, and the child inherits its mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: log)
    }
}
