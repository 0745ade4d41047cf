import Foundation

/// UTC text for dates, written and parsed with gmtime/timegm: Foundation's date formatters go
/// through ICU, which costs time on every event and megabytes of resident memory in the console.
extension Date {
    /// "2026-11-21", the UTC day that keys daily budgets.
    public var utcDay: String {
        let (parts, _) = utcParts
        var bytes = [UInt8](repeating: 0, count: 10)
        Self.put(Int(parts.tm_year) + 1900, 4, into: &bytes, at: 0)
        bytes[4] = UInt8(ascii: "-")
        Self.put(Int(parts.tm_mon) + 1, 2, into: &bytes, at: 5)
        bytes[7] = UInt8(ascii: "-")
        Self.put(Int(parts.tm_mday), 2, into: &bytes, at: 8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ISO 8601 UTC with milliseconds ("2026-11-21T08:37:53.123Z"), as events are written.
    public var iso8601: String { utcText(separator: "T", zone: true) }

    /// "2026-11-21 08:37:53.123": the text SQLite's date functions and GRDB read back as a date.
    public var sqliteText: String { utcText(separator: " ", zone: false) }

    /// Parses ISO 8601 UTC as `iso8601` writes it: "YYYY-MM-DDTHH:MM:SS" with an optional fraction
    /// (1–9 digits, kept to the millisecond) and "Z". Anything else, or an impossible date, is nil.
    public init?(iso8601 text: String) {
        guard let d = Self.parse(Array(text.utf8), separator: UInt8(ascii: "T"), zone: true) else { return nil }
        self = d
    }

    /// Parses what `sqliteText` writes ("YYYY-MM-DD HH:MM:SS" and an optional fraction, UTC).
    public init?(sqliteText text: String) {
        guard let d = Self.parse(Array(text.utf8), separator: UInt8(ascii: " "), zone: false) else { return nil }
        self = d
    }

    private static func parse(_ text: [UInt8], separator: UInt8, zone: Bool) -> Date? {
        guard !zone || text.last == UInt8(ascii: "Z") else { return nil }
        let b = zone ? Array(text.dropLast()) : text
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == separator,
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var millis = 0
        if b.count > 19 {
            let digits = b.count - 20
            guard b[19] == UInt8(ascii: "."), (1...9).contains(digits), let fraction = number(b, 20, digits) else { return nil }
            millis = digits >= 3 ? fraction / tenTo(digits - 3) : fraction * tenTo(3 - digits)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalizes 30 February into March: such a date is refused, not moved.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Date(timeIntervalSince1970: Double(Int64(seconds) * 1000 + Int64(millis)) / 1000)
    }

    /// The range of times written as themselves: years 0001–9999, four digits. A time outside (a
    /// node's absurd block time, infinity, NaN) is written as the nearest end, never a trap.
    static let writableSeconds: ClosedRange<TimeInterval> = -62_135_596_800 ... 253_402_300_799.999

    private var utcParts: (tm, millis: Int) {
        let t = timeIntervalSince1970
        let bounded = t.isNaN ? 0 : min(max(t, Self.writableSeconds.lowerBound), Self.writableSeconds.upperBound)
        // To the microsecond first: -0.001 s times 1000 is a hair below -1 in binary floating point.
        let micros = (bounded * 1_000_000).rounded()
        let millis = Int64((micros / 1000).rounded(.down))
        let (q, r) = millis.quotientAndRemainder(dividingBy: 1000)
        var seconds = time_t(r < 0 ? q - 1 : q)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, Int(r < 0 ? r + 1000 : r))
    }

    private func utcText(separator: Character, zone: Bool) -> String {
        let (parts, millis) = utcParts
        var b = [UInt8](repeating: 0, count: zone ? 24 : 23)
        Self.put(Int(parts.tm_year) + 1900, 4, into: &b, at: 0)
        b[4] = UInt8(ascii: "-")
        Self.put(Int(parts.tm_mon) + 1, 2, into: &b, at: 5)
        b[7] = UInt8(ascii: "-")
        Self.put(Int(parts.tm_mday), 2, into: &b, at: 8)
        b[10] = separator.asciiValue!
        Self.put(Int(parts.tm_hour), 2, into: &b, at: 11)
        b[13] = UInt8(ascii: ":")
        Self.put(Int(parts.tm_min), 2, into: &b, at: 14)
        b[16] = UInt8(ascii: ":")
        Self.put(Int(parts.tm_sec), 2, into: &b, at: 17)
        b[19] = UInt8(ascii: ".")
        Self.put(millis, 3, into: &b, at: 20)
        if zone { b[23] = UInt8(ascii: "Z") }
        return String(decoding: b, as: UTF8.self)
    }

    /// Writes `value` as exactly `width` digits (years outside 0…9999 do not occur here).
    private static func put(_ value: Int, _ width: Int, into bytes: inout [UInt8], at offset: Int) {
        var v = value
        for i in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
    }

    private static func number(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        var v = 0
        for i in offset..<offset + count {
            let c = bytes[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(c - UInt8(ascii: "0"))
        }
        return v
    }

    private static func tenTo(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }
}
