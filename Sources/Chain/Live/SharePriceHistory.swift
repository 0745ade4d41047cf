import EVM
import Foundation

/// Share-price observations of an ERC-4626 vault, for its APY.
///
/// A vault has no rate getter: its APY is how fast the share price grows. Each scan records
/// (block timestamp, assets per 10^30 shares); the APY uses the newest observation and the latest
/// one at least `minimumWindow` seconds older. Until such a pair exists (the first scans after a
/// start) it reports the last APY it measured, or 0 with a note and `measured` false — such a
/// vault is never a target on a guess, and the note says why it shows 0.
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

    /// Records a price and returns the APY to report, with a note when it is not measured now;
    /// `measured` is false until some window has been measured.
    mutating func record(price: UInt256, at timestamp: UInt64) -> (apy: Decimal, note: String?, measured: Bool) {
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
            return (apy, nil, true)
        }
        if let lastAPY { return (lastAPY, "share-price APY from an earlier window; the current one is under \(minimumWindow) s", true) }
        return (0, "APY not measured yet: needs share prices \(minimumWindow) s apart (first seen at block time \(observations[0].timestamp))", false)
    }

    // MARK: - Keys in the store

    /// The store key of a vault's observations: its lowercase address tagged with the unit, so
    /// prices of two resolutions are never compared.
    static func storeKey(vault: Address) -> String { vault.lowercased + unitTag }
    static let unitTag = "@1e30"

    /// Observations stored before the unit was tagged were per 10^18 shares under the bare
    /// address: each is scaled by 10^12 and moved to the tagged key (merged with what is there);
    /// the bare key is left empty, so the next save deletes its rows.
    static func migrated(_ stored: [String: [SharePriceObservation]]) -> [String: [SharePriceObservation]] {
        var out = stored
        let scale = UInt256.powerOfTen(12)!
        for (key, list) in stored where !key.hasSuffix(unitTag) && !list.isEmpty {
            guard let vault = try? Address(hex: key) else { continue }
            let scaled = list.compactMap { o -> SharePriceObservation? in
                let (price, overflow) = o.price.multipliedReportingOverflow(by: scale)
                return overflow ? nil : SharePriceObservation(timestamp: o.timestamp, price: price)
            }
            let tagged = storeKey(vault: vault)
            let kept = out[tagged] ?? []
            let times = Set(kept.map(\.timestamp))
            out[tagged] = (kept + scaled.filter { !times.contains($0.timestamp) }).sorted { $0.timestamp < $1.timestamp }
            out[key] = []
        }
        return out
    }
}

/// One share price at one block time: underlying base units per 10^30 shares (stored under
/// `SharePriceHistory.storeKey`; untagged keys hold older prices per 10^18 shares).
public struct SharePriceObservation: Codable, Sendable, Hashable {
    public let timestamp: UInt64
    public let price: UInt256

    public init(timestamp: UInt64, price: UInt256) {
        self.timestamp = timestamp
        self.price = price
    }
}

/// Where a live chain reads the vault share prices earlier runs kept, so a restart (or a `--once` run
/// from cron) measures the vault's APY from earlier observations instead of starting at 0. Keyed by
/// the vault's lowercase address + "@1e30" (`LiveChain.sharePriceStoreKey`); a bare address holds
/// prices per 10^18 shares from before, read once and replaced. It only reads: what the chain
/// observes since comes back to the engine as `ChainEffect.vaultSharePrices` (`LiveChain.takeEffects`).
public protocol SharePriceStore: Sendable {
    func load() throws -> [String: [SharePriceObservation]]
}
