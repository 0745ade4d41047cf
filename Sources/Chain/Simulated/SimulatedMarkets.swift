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

    /// What other lenders supply to a market and what its borrowers owe, in whole tokens, and how
    /// its rate answers a deposit. Hundreds of millions, as deep as Base's USDC markets: the treasury's
    /// few thousand never come near the size rules, and its own deposit moves a rate by far less
    /// than half a basis point, so the guards act only when a fault makes them.
    public struct Depth: Sendable, Hashable {
        public var othersSupply: UInt64
        /// Borrowed per 1000 of the others' supply; nil for a vault (no borrowers of its own).
        public var borrowedPerMille: UInt64?
        public var rateModel: KinkedRateCurve?
        public var reserveFactor: Decimal

        public init(othersSupply: UInt64, borrowedPerMille: UInt64?, rateModel: KinkedRateCurve?, reserveFactor: Decimal = 0) {
            self.othersSupply = othersSupply
            self.borrowedPerMille = borrowedPerMille
            self.rateModel = rateModel
            self.reserveFactor = reserveFactor
        }
    }

    public static let depths: [MarketID: Depth] = [
        // Aave V3: base 0, slope 4 % to 90 % usage, then 60 %; reserve factor 10 %.
        .aaveV3: Depth(othersSupply: 400_000_000, borrowedPerMille: 780,
                       rateModel: KinkedRateCurve(base: 0, slopeLow: Decimal(string: "0.04")!, slopeHigh: Decimal(string: "0.6")!,
                                                  kink: Decimal(string: "0.9")!), reserveFactor: Decimal(string: "0.1")!),
        // Moonwell's JumpRateModel: multiplier 4.5 %, jump 300 % above 80 %; reserve factor 15 %.
        .moonwell: Depth(othersSupply: 150_000_000, borrowedPerMille: 720,
                         rateModel: KinkedRateCurve(base: 0, slopeLow: Decimal(string: "0.045")!, slopeHigh: 3, kink: Decimal(string: "0.8")!),
                         reserveFactor: Decimal(string: "0.15")!),
        .morphoVault: Depth(othersSupply: 250_000_000, borrowedPerMille: nil, rateModel: nil),
        .aerodrome: Depth(othersSupply: 60_000_000, borrowedPerMille: nil, rateModel: nil),
    ]

    /// A market the table does not list: a vault 100 million deep.
    public static func depth(_ market: MarketID) -> Depth {
        depths[market] ?? Depth(othersSupply: 100_000_000, borrowedPerMille: nil, rateModel: nil)
    }

    /// SplitMix64's finalizer: a cheap, well-spread hash.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
