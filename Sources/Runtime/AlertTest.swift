import Chain
import Foundation
import MammonCore

/// `mammon alert test`: one test message (type info) to every notifier, each answer as a line with the
/// URL redacted (`ok     json://127.0.0.1:8080/hook…: HTTP 200`).
public enum AlertTest {
    public struct Result: Sendable {
        public var lines: [String]
        public var failed: Int
    }

    public static func send(to notifiers: [Notifier], host: String = ProcessInfo.processInfo.hostName) async -> Result {
        let poster = CurlNotifierPoster()
        var lines: [String] = []
        var failed = 0
        for n in notifiers {
            let request = n.request(title: "Mammon test alert",
                                    message: "A test message from mammon on \(host) at \(Date().iso8601): this notifier works.",
                                    severity: .info)
            let response = await poster.post(request)
            if !response.delivered { failed += 1 }
            lines.append("\(response.delivered ? "ok    " : "FAILED") \(n.redacted): \(n.scrub(response.summary))")
        }
        lines.append("\(notifiers.count - failed) of \(notifiers.count) notifier(s) accepted the test message")
        return Result(lines: lines, failed: failed)
    }
}
