import Foundation
import MammonCore
import Store

/// The careful allocator's rules, judged on the engine's own history: each market's rate over the
/// APY window and its exit signals (from the position history), and each position's patience
/// (from the mined moves).
extension Engine {
    /// Each scanned market judged on the history stored now. A failed read is an error for the
    /// cycle: without history no rate window or exit rule can be judged, and guessing would be
    /// either reckless or silent.
    func marketConditions(_ markets: [MarketSnapshot]) throws -> [MarketID: MarketCondition] {
        let now = clock.now()
        let readings: [MarketHistoryEntry]
        do { readings = try store.marketReadings(from: now.addingTimeInterval(-config.guards.historySpan)) } catch {
            throw CycleError(message: "cannot read the position history, so no rate window or exit rule can be judged: \(error)")
        }
        // A reading stands for the time until the next scan, at most two scan intervals (one missed
        // scan); a longer gap is time the engine was not watching, not history.
        return MarketCondition.assess(markets, readings: readings, now: now, guards: config.guards, maxHold: 2 * config.scanInterval)
    }

    /// When an executed move last touched each market.
    func lastMoves() throws -> [MarketID: Date] {
        do { return try store.lastMoves() } catch {
            throw CycleError(message: "cannot read when the markets were last moved, so MIN_HOURS_BETWEEN_MOVES cannot be checked: \(error)")
        }
    }

    /// The guards' measures for `rec` on `markets` as scanned now: the target's rate and size, and
    /// the source position's patience (idle funds are no position and never wait).
    func guardChecks(_ rec: RebalanceRecommendation, markets: [MarketSnapshot], conditions: [MarketID: MarketCondition],
                     lastMoves: [MarketID: Date]) -> GuardChecks? {
        let patience = rec.from.map { PatienceCheck(marketID: $0, lastMoveAt: lastMoves[$0], now: clock.now(),
                                                    minimumHours: config.guards.minHoursBetweenMoves) }
        return optimizer.checks(for: rec, markets: markets, conditions: conditions, patience: patience)
    }
}
