import EVM
import Foundation

/// Share-price observations of an ERC-4626 vault, for its APY.
///
/// A vault has no rate getter: its APY is how fast the share price grows. Each scan records
/// (block timestamp, assets per share); the APY uses the newest observation and the latest one at
/// least `minimumWindow` seconds older. Until such a pair exists (the first scans after a start)
/// it reports the last APY it measured, or 0 with a note — 0 never makes the vault a target on a
/// guess, and the note says why it shows 0.
struct SharePriceHistory: Sendable {
    typealias Observation = SharePriceObservation

    let minimumWindow: UInt64
    let capacity = 128
    private(set) var observations: [Observation] = []
    private(set) var lastAPY: Decimal?

    init(minimumWindow: UInt64, observations: [Observation] = []) {
        self.minimumWindow = minimumWindow
        self.observations = Array(observations.sorted { $0.timestamp < $1.timestamp }.suffix(capacity))
    }

    /// Records a price and returns the APY to report with a note when it is not measured now.
    mutating func record(price: UInt256, at timestamp: UInt64) -> (apy: Decimal, note: String?) {
        if let last = observations.last, last.timestamp >= timestamp {
            if last.timestamp == timestamp { observations[observations.count - 1] = Observation(timestamp: timestamp, price: price) }
        } else {
            observations.append(Observation(timestamp: timestamp, price: price))
            if observations.count > capacity { observations.removeFirst(observations.count - capacity) }
        }
        let newest = observations.last!
        if let base = observations.last(where: { newest.timestamp - $0.timestamp >= minimumWindow }) {
            let apy = APYMath.sharePriceAPY(from: base.price, to: newest.price, seconds: newest.timestamp - base.timestamp)
            lastAPY = apy
            return (apy, nil)
        }
        if let lastAPY { return (lastAPY, "share-price APY from an earlier window; the current one is under \(minimumWindow) s") }
        return (0, "APY not measured yet: needs share prices \(minimumWindow) s apart (first seen at block time \(observations[0].timestamp))")
    }
}

/// One share price at one block time: underlying base units per 1e18 shares.
public struct SharePriceObservation: Codable, Sendable, Hashable {
    public let timestamp: UInt64
    public let price: UInt256

    public init(timestamp: UInt64, price: UInt256) {
        self.timestamp = timestamp
        self.price = price
    }
}

/// Where a live chain keeps vault share prices between runs, so a restart (or a `--once` run from
/// cron) measures the vault's APY from earlier observations instead of starting at 0. Keyed by
/// the vault's lowercase address.
public protocol SharePriceStore: Sendable {
    func load() throws -> [String: [SharePriceObservation]]
    func save(_ observations: [String: [SharePriceObservation]]) throws
}
