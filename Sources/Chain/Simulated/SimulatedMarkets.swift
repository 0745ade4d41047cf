import Foundation
import MammonCore

/// The simulated network's market rates: a base APY per market that drifts every hour by a
/// deterministic amount derived from the seed, in whole basis points (no floating point).
public struct SimulatedMarkets: Sendable {
    public var seed: UInt64
    /// Base APYs in basis points.
    public var baseBps: [MarketID: Int]
    /// Largest hourly deviation from the base, in basis points.
    public var driftBps: Int
    /// The network's markets in the order they are listed (a market's place seeds its drift).
    public var markets: [MarketID] { MarketID.originals + baseBps.keys.filter { !MarketID.originals.contains($0) }.sorted() }

    public init(seed: UInt64, baseBps: [MarketID: Int] = [.aaveV3: 320, .moonwell: 490, .morphoVault: 440, .aerodrome: 1250],
                driftBps: Int = 35) {
        self.seed = seed
        self.baseBps = baseBps
        self.driftBps = driftBps
    }

    /// APY in percent at `date`.
    public func apy(_ market: MarketID, at date: Date) -> Decimal {
        Decimal(apyBps(market, at: date)).shifted(by: -2)
    }

    /// APY in basis points at `date`: constant within each hour.
    public func apyBps(_ market: MarketID, at date: Date) -> Int {
        let hour = UInt64(max(0, Int64(date.timeIntervalSince1970 / 3600)))
        let index = UInt64(markets.firstIndex(of: market) ?? 0)
        let span = UInt64(2 * driftBps + 1)
        let offset = Int(Self.mix(seed ^ (index &* 0x9E37_79B9_7F4A_7C15) ^ (hour &* 0xBF58_476D_1CE4_E5B9)) % span) - driftBps
        return baseBps[market, default: 0] + offset
    }

    /// SplitMix64's finalizer: a cheap, well-spread hash.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
