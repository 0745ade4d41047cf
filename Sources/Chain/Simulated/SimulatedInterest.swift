import Foundation
import MammonCore

/// Interest on the simulated markets, as real lending markets pay it: credited every block (one per
/// 2 s of chain time, Base's pace) at the market's APY of that hour, compounding, in whole base
/// units (each credit rounds down, as a market's index does). A quoted APY is what a year of blocks
/// pays: the per-block factor is (1 + APY)^(2 s / 365 days), computed once per rate in 1e18 fixed
/// point. Deterministic: the same ledger, rates and times give the same balances to the base unit.
struct SimulatedInterest {
    static let blockSeconds: Int64 = 2
    static let blocksPerHour: Int64 = 3600 / blockSeconds
    static let scale: UInt128 = 1_000_000_000_000_000_000

    let markets: SimulatedMarkets
    /// Per-block growth factors (× 1e18) by APY in basis points.
    private var factors: [Int: UInt128] = [:]

    init(markets: SimulatedMarkets) { self.markets = markets }

    /// The block index at `date` (block k is produced at chain time 2k seconds).
    static func block(at date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) / blockSeconds }

    /// Credits every deposit with the interest of the blocks since the ledger was last brought up to
    /// date, advances the head by those blocks, and records the interest paid per market. A ledger
    /// that never accrued starts now (no interest is invented for time before it was watched).
    mutating func accrue(_ ledger: inout SimulatedLedger, until now: Date) {
        let head = Self.block(at: now)
        guard let through = ledger.accruedThrough else {
            ledger.accruedThrough = head * Self.blockSeconds
            return
        }
        let last = through / Self.blockSeconds
        guard head > last else { return }
        for (market, held) in ledger.deposits where held > 0 {
            var balance = held
            var k = last + 1
            while k <= head {
                let hourEnd = (k / Self.blocksPerHour + 1) * Self.blocksPerHour - 1
                let end = min(hourEnd, head)
                let bps = markets.apyBps(market, at: Date(timeIntervalSince1970: TimeInterval(k * Self.blockSeconds)))
                balance = balance * Self.power(factor(bps), UInt64(end - k + 1)) / Self.scale
                k = end + 1
            }
            ledger.deposits[market] = balance
            ledger.interest[market, default: 0] += balance - held
        }
        ledger.blockNumber += UInt64(head - last)
        ledger.accruedThrough = head * Self.blockSeconds
    }

    /// (1 + bps/10000)^(2 s / year) × 1e18, rounded.
    private mutating func factor(_ bps: Int) -> UInt128 {
        if let f = factors[bps] { return f }
        let rate = Decimal(bps).shifted(by: -4)
        let growth = DecimalMath.growth(rate: rate, exponent: Decimal(Self.blockSeconds) / DecimalMath.secondsPerYear) ?? 1
        let f = UInt128((growth.shifted(by: 18)).rounded(0).plainString) ?? Self.scale
        factors[bps] = f
        return f
    }

    /// factor^n in 1e18 fixed point, by squaring (each product rounded down).
    static func power(_ factor: UInt128, _ n: UInt64) -> UInt128 {
        var result = scale, base = factor, n = n
        while n > 0 {
            if n & 1 == 1 { result = result * base / scale }
            n >>= 1
            if n > 0 { base = base * base / scale }
        }
        return result
    }
}
