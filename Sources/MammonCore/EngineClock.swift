import Foundation

/// Time for the engine. Tests inject a manual clock and move it by hand; nothing sleeps for real.
public protocol EngineClock: Sendable {
    func now() -> Date
    /// Suspends until `deadline`; throws `CancellationError` when the task is cancelled (stop is instant).
    func sleep(until deadline: Date) async throws
}

/// Wall-clock time.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
        try Task.checkCancellation()
    }
}

extension Date {
    /// "2026-11-21", the UTC day that keys daily budgets (gmtime: a Calendar per call was measurable).
    public var utcDay: String {
        var seconds = time_t(Int64((timeIntervalSince1970).rounded(.down)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let y = Int(parts.tm_year) + 1900, m = Int(parts.tm_mon) + 1, d = Int(parts.tm_mday)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    /// ISO 8601 UTC with milliseconds ("2026-11-21T08:37:53.123Z"), as events are written.
    public var iso8601: String {
        let millis = (timeIntervalSince1970 * 1000).rounded(.down)
        var seconds = time_t(Int64(millis) / 1000 - (millis < 0 && Int64(millis) % 1000 != 0 ? 1 : 0))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let ms = ((Int64(millis) % 1000) + 1000) % 1000
        func pad(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }

    /// Parses what `iso8601` writes (and plain "…Z" seconds).
    public init?(iso8601 text: String) {
        let f = ISO8601DateFormatter()
        f.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let d = f.date(from: text) else { return nil }
        self = d
    }
}
