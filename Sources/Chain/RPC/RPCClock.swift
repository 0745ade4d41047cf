/// Time for the RPC client: a monotonic reading for health cooldowns and a way to wait for
/// backoff. Tests inject a manual clock whose `sleep` only records and advances, so no test waits.
/// Deliberately not MammonCore's `EngineClock`, which is wall time (schedules, UTC days): a wall-clock
/// step (NTP, a suspended laptop) must not end a backoff early or stretch a receipt deadline.
public protocol RPCClock: Sendable {
    /// Monotonic seconds; only differences matter.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

/// The real clock: `ContinuousClock` readings and `Task.sleep`.
public struct SystemRPCClock: RPCClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }
}
