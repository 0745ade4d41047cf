import Foundation
import MammonCore
import XCTest

/// Apprise-style notifier URLs: what each becomes on the wire, and that only redacted forms show.
final class NotifierTests: XCTestCase {
    func body(_ r: NotifierRequest) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
    }

    func testJSONPostsAppriseBody() throws {
        let n = try Notifier(url: "json://127.0.0.1:8080/path/secretpart")
        let r = n.request(title: "T", message: "line 1\nline \"2\"", severity: .warning)
        XCTAssertEqual(r.url, "http://127.0.0.1:8080/path/secretpart")
        let b = try body(r)
        XCTAssertEqual(b["version"] as? String, "1.0")
        XCTAssertEqual(b["title"] as? String, "T")
        XCTAssertEqual(b["message"] as? String, "line 1\nline \"2\"")
        XCTAssertEqual(b["type"] as? String, "warning")
        XCTAssertEqual((b["attachments"] as? [Any])?.count, 0)
        XCTAssertEqual(n.redacted, "json://127.0.0.1:8080/path…")
        XCTAssertEqual(try Notifier(url: "jsons://user:pa55word@example.com/hook").request(title: "", message: "", severity: .info).url,
                       "https://user:pa55word@example.com/hook")
        XCTAssertEqual(try Notifier(url: "jsons://user:pa55word@example.com/hook").redacted, "jsons://example.com/hook…")
        XCTAssertEqual(try Notifier(url: "jsons://example.com").request(title: "", message: "", severity: .info).url, "https://example.com/")
    }

    func testSlackDiscordTelegram() throws {
        let slack = try Notifier(url: "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts")
        let s = slack.request(title: "Stranded", message: "funds", severity: .failure)
        XCTAssertEqual(s.url, "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ")
        XCTAssertEqual(try body(s)["text"] as? String, "*Stranded*\nfunds")
        XCTAssertEqual(try body(s)["channel"] as? String, "#alerts")
        XCTAssertEqual(slack.redacted, "slack://T1JJ…/A1BR…/TIia…/#alerts")

        let discord = try Notifier(url: "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js")
        let d = discord.request(title: "Stranded", message: "funds", severity: .failure)
        XCTAssertEqual(d.url, "https://discord.com/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js")
        XCTAssertEqual(try body(d)["content"] as? String, "**Stranded**\nfunds")
        XCTAssertEqual(discord.redacted, "discord://4174…/JHMH…")

        let tgram = try Notifier(url: "tgram://123456789:AABBccDDeeFFggHH/-1001234567")
        let t = tgram.request(title: "Stranded", message: "funds", severity: .failure)
        XCTAssertEqual(t.url, "https://api.telegram.org/bot123456789:AABBccDDeeFFggHH/sendMessage")
        XCTAssertEqual(try body(t)["chat_id"] as? String, "-1001234567")
        XCTAssertEqual(try body(t)["text"] as? String, "Stranded\nfunds")
        XCTAssertEqual(tgram.redacted, "tgram://1234…/-100…")
        XCTAssertEqual(try Notifier(url: "tgram://bot123456789:AABBcc/42").request(title: "", message: "", severity: .info).url,
                       "https://api.telegram.org/bot123456789:AABBcc/sendMessage")
    }

    func testTextFromTheNodeCannotMentionOrLinkInAnyNotifier() throws {
        let hostile = "node says: @everyone <!channel> <@U123> <https://evil.example|Approve> [Approve](https://evil.example) & *bold*"
        let slack = try body(try Notifier(url: "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ").request(title: "RPC <b>", message: hostile, severity: .failure))
        XCTAssertEqual(slack["text"] as? String,
                       "*RPC &lt;b&gt;*\nnode says: @everyone &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|Approve&gt; [Approve](https://evil.example) &amp; *bold*")

        let discordRequest = try Notifier(url: "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js").request(title: "T", message: hostile, severity: .failure)
        let discord = try body(discordRequest)
        XCTAssertEqual((discord["allowed_mentions"] as? [String: Any])?["parse"] as? [String], [], "Discord parses no mention at all")
        let content = try XCTUnwrap(discord["content"] as? String)
        XCTAssertEqual(content, #"**T**\#nnode says\: \@everyone \<!channel\> \<\@U123\> \<https\://evil.example\|Approve\> \[Approve\]\(https\://evil.example\) & \*bold\*"#)
        XCTAssertFalse(content.contains("](http"), "no masked link survives")

        let telegram = try body(try Notifier(url: "tgram://123456789:AABBccDDeeFFggHH/-1001234567").request(title: "T", message: "<a href=\"https://evil.example\">Approve</a> *x*", severity: .failure))
        XCTAssertNil(telegram["parse_mode"], "plain text: Telegram reads no HTML or Markdown")
        XCTAssertEqual(telegram["text"] as? String, "T\n<a href=\"https://evil.example\">Approve</a> *x*")
    }

    func testPlainJSONNotifiersReachOnlyThisMachine() throws {
        for url in ["json://hooks.example.com/x", "json://user:pw@10.0.0.2:8080/hook", "json://127.0.0.1.evil.example/x"] {
            XCTAssertThrowsError(try Notifier(url: url)) { error in
                XCTAssertEqual(error as? NotifierURLError, .plainHTTP, url)
                XCTAssertEqual("\(error)", "json:// is plain http, allowed only to this machine (127.0.0.1, ::1, localhost): use jsons:// (https)")
            }
        }
        for url in ["json://127.0.0.1:8080/x", "json://localhost/x", "json://[::1]:9/x", "jsons://hooks.example.com/x"] {
            XCTAssertNoThrow(try Notifier(url: url), url)
        }
    }

    func testSeverityOverrideAndStableKey() throws {
        let a = try Notifier(url: "discord://4174216298/JHMHI8qBe7?severity=info")
        let b = try Notifier(url: "discord://4174216298/JHMHI8qBe7")
        XCTAssertEqual(a.minSeverity, .info)
        XCTAssertNil(b.minSeverity)
        XCTAssertEqual(a.key, b.key, "the query does not change which notifier it is")
        XCTAssertFalse(a.key.contains("JHMH"))
        XCTAssertNotEqual(a.key, try Notifier(url: "discord://4174216298/OTHERtoken").key)
    }

    func testErrorsNeverRepeatTheURL() {
        let cases: [(String, NotifierURLError)] = [
            ("https://hooks.example/SECRET", .unsupportedScheme("https")),
            ("slack://SECRETA/SECRETB", .missing(.slack, "three webhook tokens (slack://TokenA/TokenB/TokenC)")),
            ("discord://SECRET", .missing(.discord, "a webhook id and token (discord://WebhookID/WebhookToken)")),
            ("tgram://1:SECRET/1/2", .oneRecipient(.tgram)),
            ("json://h/SECRET?severity=loud", .badSeverity(.json, "loud")),
            ("SECRET", .notAURL),
        ]
        for (url, expected) in cases {
            XCTAssertThrowsError(try Notifier(url: url)) { error in
                XCTAssertEqual(error as? NotifierURLError, expected, url)
                XCTAssertFalse("\(error)".contains("SECRET"), "\(error)")
            }
        }
    }

    func testListSkipsCommentsAndNamesTheBadLine() throws {
        let list = try NotifierList.parse("# alerts\n\njson://localhost/a\r\n  discord://1/abc  \n")
        XCTAssertEqual(list.map(\.service), [.json, .discord])
        XCTAssertThrowsError(try NotifierList.parse("jsons://h/a\nftp://x/SECRET\n")) { error in
            XCTAssertEqual("\(error)", "line 2: unsupported scheme 'ftp': use json, jsons, slack, discord or tgram")
        }
    }

    func testScrubRemovesSecretsFromErrorText() throws {
        let n = try Notifier(url: "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ")
        let text = n.scrub("failed: https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ and TIiajkdnlazkcOXrIdevi7FQ")
        XCTAssertFalse(text.contains("TIiajkdnlazkcOXrIdevi7FQ"), text)
        XCTAssertTrue(text.contains("slack://T1JJ…"), text)
    }

    func testDeliveryPolicy() {
        let p = AlertDeliveryPolicy()
        XCTAssertEqual([1, 2, 3, 4, 20].map { p.retryDelay(attempts: $0, retryAfter: nil) }, [2, 4, 8, 16, 900])
        XCTAssertEqual(p.retryDelay(attempts: 5, retryAfter: 1), 1)
        XCTAssertEqual(p.retryDelay(attempts: 1, retryAfter: 86_400), 3600)
        let t = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(AlertDeliveryPolicy.groupedMessage("m", count: 1, from: t, to: t.addingTimeInterval(600)), "m")
        XCTAssertEqual(AlertDeliveryPolicy.groupedMessage("m", count: 5, from: t, to: t.addingTimeInterval(600)), "m (×5 in 10 min)")
    }

    func testDailyReportIsDueAtTheHourUTC() {
        let morning = Date(iso8601: "2027-01-15T07:59:00Z")!
        XCTAssertEqual(DailyReport.due(now: morning, hour: 8), Date(iso8601: "2027-01-14T08:00:00Z")!)
        XCTAssertEqual(DailyReport.due(now: Date(iso8601: "2027-01-15T08:00:00Z")!, hour: 8), Date(iso8601: "2027-01-15T08:00:00Z")!)
        XCTAssertEqual(DailyReport.due(now: Date(iso8601: "2027-01-15T23:00:00Z")!, hour: 0), Date(iso8601: "2027-01-15T00:00:00Z")!)
    }
}
