import Foundation

/// Time for the engine. Tests inject a manual clock and move it by hand; nothing sleeps for real.
/// Wall time, because scans are scheduled and limits counted by the calendar (UTC days); the RPC
/// layer's waits use a monotonic clock of their own (`RPCClock` in Chain).
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
