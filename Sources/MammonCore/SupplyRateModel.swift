import Foundation

/// How a market's supply rate answers a deposit: what a large treasury would earn *after* its own
/// deposit, so it does not chase a rate the deposit destroys. Rates are annual fractions (0.05 = 5 %);
/// amounts are in the token's units.
public enum SupplyRateModel: Codable, Hashable, Sendable {
    // Stored in every scan's event: written by hand (`{"kind": "borrow_curve", "curve": {…}, "borrows": …,
    // "reserve_factor": …}`), not as Swift's synthesized `{"borrowCurve": {"_0": …}}`.

    /// A kinked borrow curve over utilization = borrows / supply; suppliers earn
    /// borrow rate × utilization × (1 − reserve factor). Aave V3 (base, slope 1, slope 2, optimal
    /// usage) and Compound V2 / Moonwell (JumpRateModel: base, multiplier, jump multiplier, kink).
    case borrowCurve(KinkedRateCurve, borrows: Decimal, reserveFactor: Decimal)
    /// A supply curve of its own over utilization = borrows / supply: Compound V3's Comet.
    case supplyCurve(KinkedRateCurve, borrows: Decimal)
    /// No curve the market exposes (a vault over other markets): the same interest spread over more
    /// supply, squared, since the underlying markets' rates fall too: APY × (S / (S + x))². Below a
    /// kink, where supply rates go as utilization², this is a lower bound.
    case dilution

    /// The annual supply rate at `supply` (in token units) under this model; nil for `.dilution`.
    public func supplyRate(supply: Decimal) -> Decimal? {
        guard supply > 0 else { return 0 }
        switch self {
        case .borrowCurve(let curve, let borrows, let reserveFactor):
            let u = min(1, borrows / supply)
            return curve.rate(at: u) * u * (1 - reserveFactor)
        case .supplyCurve(let curve, let borrows):
            return curve.rate(at: min(1, borrows / supply))
        case .dilution:
            return nil
        }
    }

    /// The APY (percent) the market would pay after `deposit` more, from today's `apy` at `supply`:
    /// today's APY scaled by the rate's fall (the compounding of a lower rate is slightly lower still:
    /// under 0.07 pp at 5 %). Never above today's APY.
    public func apy(_ apy: Decimal, supply: Decimal, afterDeposit deposit: Decimal) -> Decimal {
        guard deposit > 0, apy > 0 else { return apy }
        guard supply > 0 else { return 0 }
        let ratio: Decimal
        if let now = supplyRate(supply: supply), let after = supplyRate(supply: supply + deposit) {
            guard now > 0 else { return apy }
            ratio = after / now
        } else {
            let share = supply / (supply + deposit)
            ratio = share * share
        }
        return min(apy, apy * max(0, ratio))
    }
}

extension SupplyRateModel {
    enum CodingKeys: String, CodingKey { case kind, curve, borrows, reserveFactor = "reserve_factor" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "borrow_curve":
            self = .borrowCurve(try c.decode(KinkedRateCurve.self, forKey: .curve), borrows: try c.decode(Decimal.self, forKey: .borrows),
                                reserveFactor: try c.decode(Decimal.self, forKey: .reserveFactor))
        case "supply_curve":
            self = .supplyCurve(try c.decode(KinkedRateCurve.self, forKey: .curve), borrows: try c.decode(Decimal.self, forKey: .borrows))
        case "dilution":
            self = .dilution
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "not a rate model: \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .borrowCurve(let curve, let borrows, let reserveFactor):
            try c.encode("borrow_curve", forKey: .kind)
            try c.encode(curve, forKey: .curve)
            try c.encode(borrows, forKey: .borrows)
            try c.encode(reserveFactor, forKey: .reserveFactor)
        case .supplyCurve(let curve, let borrows):
            try c.encode("supply_curve", forKey: .kind)
            try c.encode(curve, forKey: .curve)
            try c.encode(borrows, forKey: .borrows)
        case .dilution:
            try c.encode("dilution", forKey: .kind)
        }
    }
}

/// borrow (or supply) rate = base + slopeLow × min(u, kink) + slopeHigh × max(0, u − kink), annual.
public struct KinkedRateCurve: Codable, Hashable, Sendable {
    public var base: Decimal
    public var slopeLow: Decimal
    public var slopeHigh: Decimal
    /// The utilization (0…1) where the steep slope starts.
    public var kink: Decimal

    enum CodingKeys: String, CodingKey { case base, slopeLow = "slope_low", slopeHigh = "slope_high", kink }

    public init(base: Decimal, slopeLow: Decimal, slopeHigh: Decimal, kink: Decimal) {
        self.base = base
        self.slopeLow = slopeLow
        self.slopeHigh = slopeHigh
        self.kink = kink
    }

    public func rate(at utilization: Decimal) -> Decimal {
        base + slopeLow * min(utilization, kink) + slopeHigh * max(0, utilization - kink)
    }
}
