/// For tests that run the engine on a fresh database and expect it to move at its first scan, as it
/// did before the market guards: spot rates (`APY_WINDOW_HOURS` 0, so no 12 h of rate history is
/// needed) and no wait between moves (`MIN_HOURS_BETWEEN_MOVES` 0, so a second run or the next chunk
/// may move the same position at once). The size and exit rules stay at their defaults. These tests
/// are about execution, recovery, consoles, alerts and the live chain; the guards are tested at their
/// defaults in MarketGuardsTests and GuardTests.
public enum MovesAtOnce {
    /// The same as settings a spawned `mammon` reads; a test's own environment still wins.
    public static let environment: [String: String] = ["APY_WINDOW_HOURS": "0", "MIN_HOURS_BETWEEN_MOVES": "0"]
}
