import Foundation

/// One scan's reading of one market, as the position history keeps it.
public struct MarketHistoryEntry: Hashable, Sendable {
    public var at: Date
    public var marketID: MarketID
    public var apy: Decimal
    public var apyMeasured: Bool
    /// nil: not read (scans stored before supplies were kept).
    public var supply: TokenAmount?
    public var utilization: Decimal?

    public init(at: Date, marketID: MarketID, apy: Decimal, apyMeasured: Bool = true, supply: TokenAmount? = nil, utilization: Decimal? = nil) {
        self.at = at
        self.marketID = marketID
        self.apy = apy
        self.apyMeasured = apyMeasured
        self.supply = supply
        self.utilization = utilization
    }
}

/// Why a position must leave its market for safety, whatever it earns there.
public enum ExitReason: Hashable, Sendable, CustomStringConvertible {
    /// The market's supply fell from `peak` (read at `peakAt`, within 24 h) to `now`.
    case supplyDrop(MarketID, peak: TokenAmount, peakAt: Date, now: TokenAmount, dropPct: Decimal)
    /// Every scan since `since` read utilization at or above 99 %; `now` is the latest.
    case utilizationStuck(MarketID, since: Date, now: Decimal)

    public var marketID: MarketID {
        switch self {
        case .supplyDrop(let m, _, _, _, _), .utilizationStuck(let m, _, _): m
        }
    }

    /// `supply_drop` or `high_utilization`.
    public var rule: String {
        switch self {
        case .supplyDrop: "supply_drop"
        case .utilizationStuck: "high_utilization"
        }
    }

    public var description: String {
        switch self {
        case .supplyDrop(let m, let peak, _, let now, let pct):
            "\(m.displayName)'s supply fell \(pct.fixed(1))% within 24 h (from \(peak.decimalValue.fixed(0)) to \(now.decimalValue.fixed(0)))"
        case .utilizationStuck(let m, let since, let now):
            "\(m.displayName) has been \((now * 100).fixed(2))% utilized or more since \(since.iso8601): withdrawals at risk"
        }
    }
}

extension ExitReason: Codable {
    enum CodingKeys: String, CodingKey { case rule, market, detail, peak, peakAt = "peak_at", now, dropPct = "drop_pct", since, utilization }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let market = try c.decode(MarketID.self, forKey: .market)
        switch try c.decode(String.self, forKey: .rule) {
        case "supply_drop":
            self = .supplyDrop(market, peak: try c.decode(TokenAmount.self, forKey: .peak), peakAt: try Self.date(c, .peakAt),
                               now: try c.decode(TokenAmount.self, forKey: .now), dropPct: try c.decode(Decimal.self, forKey: .dropPct))
        case "high_utilization":
            self = .utilizationStuck(market, since: try Self.date(c, .since), now: try c.decode(Decimal.self, forKey: .utilization))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .rule, in: c, debugDescription: "not an exit rule: \(other)")
        }
    }

    private static func date(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try c.decode(String.self, forKey: key)
        guard let date = Date(iso8601: text) else { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "bad time \(text)") }
        return date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(marketID, forKey: .market)
        try c.encode(description, forKey: .detail)
        switch self {
        case .supplyDrop(_, let peak, let peakAt, let now, let pct):
            try c.encode(peak, forKey: .peak)
            try c.encode(peakAt.iso8601, forKey: .peakAt)
            try c.encode(now, forKey: .now)
            try c.encode(pct, forKey: .dropPct)
        case .utilizationStuck(_, let since, let now):
            try c.encode(since.iso8601, forKey: .since)
            try c.encode(now, forKey: .utilization)
        }
    }
}

/// What the engine's history says about one market now: its rate over the window, and whether a
/// position there must leave.
public struct MarketCondition: Hashable, Sendable {
    public var marketID: MarketID
    public var spotAPY: Decimal
    /// The time-weighted average APY over the window (4 decimals); nil without readings in it or
    /// when the window is 0.
    public var windowAPY: Decimal?
    public var windowHours: Int
    /// Seconds of the window the readings cover.
    public var coveredSeconds: Int
    public var neededSeconds: Int
    public var exit: ExitReason?

    public init(marketID: MarketID, spotAPY: Decimal, windowAPY: Decimal?, windowHours: Int, coveredSeconds: Int, neededSeconds: Int,
                exit: ExitReason? = nil) {
        self.marketID = marketID
        self.spotAPY = spotAPY
        self.windowAPY = windowAPY
        self.windowHours = windowHours
        self.coveredSeconds = coveredSeconds
        self.neededSeconds = neededSeconds
        self.exit = exit
    }

    /// Enough history to be a target: readings over at least half the window (always, for window 0).
    public var hasEnoughHistory: Bool { windowHours == 0 || (windowAPY != nil && coveredSeconds >= neededSeconds) }

    /// The rate a target is judged on: the lower of spot and window average, so a spike never lifts
    /// it and a rate that is falling is taken where it is now.
    public var targetAPY: Decimal { windowAPY.map { min($0, spotAPY) } ?? spotAPY }

    /// The rate a source is judged on: the higher of the two, so a move must pay by both readings.
    public var sourceAPY: Decimal { windowAPY.map { max($0, spotAPY) } ?? spotAPY }

    /// Judges each scanned market on the history read from the store.
    ///
    /// The window average weighs each measured reading by the time until the next reading of that
    /// market (the newest until `now`), counting at most `maxHold` (a longer gap is time nobody was
    /// watching, not history) and only what lies inside the window; the reading before the window
    /// counts from the window's start. `readings` may include the scan of `snapshots` itself.
    public static func assess(_ snapshots: [MarketSnapshot], readings: [MarketHistoryEntry], now: Date, guards: MarketGuards,
                              maxHold: TimeInterval) -> [MarketID: MarketCondition] {
        var byMarket: [MarketID: [MarketHistoryEntry]] = [:]
        for r in readings where r.at <= now { byMarket[r.marketID, default: []].append(r) }
        var out: [MarketID: MarketCondition] = [:]
        for snapshot in snapshots {
            let id = snapshot.quote.marketID
            let history = (byMarket[id] ?? []).sorted { $0.at < $1.at }
            var condition = MarketCondition(marketID: id, spotAPY: snapshot.quote.apy, windowAPY: nil, windowHours: guards.apyWindowHours,
                                            coveredSeconds: 0, neededSeconds: guards.neededHistorySeconds)
            if guards.apyWindowHours > 0 {
                let (average, covered) = windowAverage(history, now: now, hours: guards.apyWindowHours, maxHold: maxHold)
                condition.windowAPY = average
                condition.coveredSeconds = covered
            }
            condition.exit = supplyDrop(snapshot, history, now: now, guards: guards) ?? stuckUtilization(snapshot, history, now: now)
            out[id] = condition
        }
        return out
    }

    /// The time-weighted average APY (rounded half-even to 4 decimals) and the seconds it covers.
    static func windowAverage(_ history: [MarketHistoryEntry], now: Date, hours: Int, maxHold: TimeInterval) -> (Decimal?, Int) {
        let start = now.addingTimeInterval(-TimeInterval(hours) * 3600)
        let measured = history.filter(\.apyMeasured)
        var weighted: Decimal = 0
        var covered = 0
        for (i, r) in measured.enumerated() {
            let next = i + 1 < measured.count ? measured[i + 1].at : now
            let from = max(r.at, start)
            let to = min(next, r.at.addingTimeInterval(maxHold), now)
            let seconds = Int(to.timeIntervalSince(from).rounded(.down))
            guard seconds > 0 else { continue }
            weighted += r.apy * Decimal(seconds)
            covered += seconds
        }
        guard covered > 0 else { return (nil, 0) }
        return ((weighted / Decimal(covered)).rounded(4, .bankers), covered)
    }

    /// The supply now against the highest reading of the last 24 h.
    static func supplyDrop(_ snapshot: MarketSnapshot, _ history: [MarketHistoryEntry], now: Date, guards: MarketGuards) -> ExitReason? {
        guard let current = snapshot.supply else { return nil }
        let since = now.addingTimeInterval(-MarketGuards.supplyDropSeconds)
        guard let peak = history.filter({ $0.at >= since && $0.supply != nil }).max(by: { $0.supply! < $1.supply! }),
              let peakSupply = peak.supply, peakSupply > current, peakSupply.baseUnits > 0 else { return nil }
        let drop = (peakSupply.decimalValue - current.decimalValue) / peakSupply.decimalValue * 100
        guard drop >= guards.exitTVLDropPct else { return nil }
        return .supplyDrop(snapshot.quote.marketID, peak: peakSupply, peakAt: peak.at, now: current, dropPct: drop.rounded(1, .down))
    }

    /// Utilization at or above 99 % now and in every scan back to one at least an hour old.
    static func stuckUtilization(_ snapshot: MarketSnapshot, _ history: [MarketHistoryEntry], now: Date) -> ExitReason? {
        guard let current = snapshot.utilization, current >= MarketGuards.exitUtilization else { return nil }
        let hourAgo = now.addingTimeInterval(-MarketGuards.utilizationStaysSeconds)
        var since: Date?
        for r in history.reversed() where r.at < now {
            guard let u = r.utilization, u >= MarketGuards.exitUtilization else { break }
            since = r.at
        }
        guard let since, since <= hourAgo else { return nil }
        return .utilizationStuck(snapshot.quote.marketID, since: since, now: current)
    }
}
