import Foundation
import MammonCore

/// A clock for the soak suite only (`scripts/soak.py`), enabled by `MAMMON_TEST_CLOCK`; never set it
/// on a real engine. The engine's time starts at a chosen instant and then moves with the wall clock;
/// with `skip`, a sleep returns at once and moves the clock to its deadline, so a long-running engine
/// scans hourly through a simulated year in minutes.
///
///     MAMMON_TEST_CLOCK=at=<unix seconds>[,skip]     time starts at that instant
///     MAMMON_TEST_CLOCK=offset=<seconds>[,skip]      the wall clock shifted (negative: back)
///
/// Read only by the executable's wiring (`EngineSetup`); the engine and its tests inject their own clocks.
public final class TestClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private let origin: Date
    private let started = ContinuousClock.now
    private let skip: Bool
    private var skipped: TimeInterval = 0

    public init(origin: Date, skip: Bool) {
        self.origin = origin
        self.skip = skip
    }

    /// The clock `MAMMON_TEST_CLOCK` describes, nil when it is unset; a malformed value stops the program
    /// (a soak run on the wall clock by mistake would measure nothing).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TestClock? {
        guard let spec = environment["MAMMON_TEST_CLOCK"], !spec.isEmpty else { return nil }
        guard let clock = parse(spec) else {
            FileHandle.standardError.write(Data("mammon: MAMMON_TEST_CLOCK='\(spec)' is not at=<unix seconds>[,skip] or offset=<seconds>[,skip]\n".utf8))
            exit(64)
        }
        return clock
    }

    public static func parse(_ spec: String, wall: Date = Date()) -> TestClock? {
        var origin: Date?
        var skip = false
        for part in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count == 2 ? Double(pair[1]) : nil) {
            case ("at", let seconds?) where origin == nil: origin = Date(timeIntervalSince1970: seconds)
            case ("offset", let seconds?) where origin == nil: origin = wall.addingTimeInterval(seconds)
            case ("skip", nil) where pair.count == 1: skip = true
            default: return nil
            }
        }
        return origin.map { TestClock(origin: $0, skip: skip) }
    }

    public func now() -> Date {
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return lock.withLock { origin.addingTimeInterval(seconds + skipped) }
    }

    public func sleep(until deadline: Date) async throws {
        guard skip else { return try await SystemClock().sleep(until: Date().addingTimeInterval(deadline.timeIntervalSince(now()))) }
        let ahead = deadline.timeIntervalSince(now())
        if ahead > 0 { lock.withLock { skipped += ahead } }
        await Task.yield()
        try Task.checkCancellation()
    }
}
