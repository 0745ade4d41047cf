import EVM
import Foundation

/// ETH/USD from a Chainlink-style aggregator: `latestRoundData`, `decimals` read once. A stale,
/// incomplete, non-positive or out-of-bounds round is an error that blocks spending; there is no
/// fallback price.
///
/// Age counts from the later of the block time and the wall clock: a node serving an old block
/// with the old round of that block does not make the round fresh.
struct PriceFeed: Sendable {
    let address: Address
    let decimals: UInt8
    let maxAgeSeconds: UInt64
    /// ETH_USD_MIN / ETH_USD_MAX: a price outside is as unusable as a stale one.
    let minUSD: Decimal
    let maxUSD: Decimal

    /// A round may be this much younger than the block it was read at (a block can arrive between
    /// the reads of one batch) or than the wall clock (clock skew); beyond it the round is a lie.
    static let futureToleranceSeconds: UInt64 = 300

    static func latestRoundDataCall(_ feed: Address) -> ContractCall {
        ContractCall(to: feed, "latestRoundData()", label: "ETH/USD latestRoundData")
    }

    static func decimalsCall(_ feed: Address) -> ContractCall {
        ContractCall(to: feed, "decimals()", label: "ETH/USD decimals")
    }

    /// The price from `latestRoundData` return data, read at a block of time `blockTime` with the
    /// wall clock at `wallTime` (Unix seconds).
    func price(from data: [UInt8], blockTime: UInt64, wallTime: UInt64) throws(LiveChainError) -> Decimal {
        let call = "ETH/USD latestRoundData"
        let roundID = try UInt256.word(0, of: data, call: call)
        let answer = try UInt256.word(1, of: data, call: call)
        let updatedAt = try UInt256.word(3, of: data, call: call)
        let answeredIn = try UInt256.word(4, of: data, call: call)
        let feed = address.checksummed
        // int256: the top bit set is a negative answer.
        guard !answer.isZero, answer.bitWidth < 256 else { throw .badPrice(feed: feed, answer: answer.bitWidth == 256 ? "a negative number" : "0") }
        guard answeredIn >= roundID, !updatedAt.isZero else {
            throw .incompleteRound(feed: feed, roundID: roundID.decimalString, answeredInRound: answeredIn.decimalString)
        }
        // A round is never newer than the block it is read at, nor than now: one that is could be
        // made to look fresh forever.
        let latest = min(blockTime, wallTime).addingReportingOverflow(Self.futureToleranceSeconds)
        guard let updated = updatedAt.uint64Value, latest.overflow || updated <= latest.partialValue else {
            throw .outOfRange(call: "\(call) updatedAt", value: updatedAt.decimalString,
                              limit: "not after the block time \(blockTime) or the wall clock \(wallTime) by more than \(Self.futureToleranceSeconds) s")
        }
        let now = max(blockTime, wallTime)
        let age = now > updated ? now - updated : 0
        guard age <= maxAgeSeconds else {
            throw .stalePrice(feed: feed, updatedAt: updated, ageSeconds: age, limitSeconds: maxAgeSeconds)
        }
        let price = answer.decimalValue / Decimal.powerOfTen(Int(decimals))
        guard price >= minUSD, price <= maxUSD else {
            throw .priceOutOfBounds(feed: feed, price: price.description, min: minUSD.description, max: maxUSD.description)
        }
        return price
    }

    /// The last round spending accepted: its price and the wall time it was accepted at.
    struct Accepted: Sendable, Hashable {
        var price: Decimal
        var at: UInt64
    }

    /// `price` when it is within `maxChangePercentPerHour` × the hours since `last` (at least one
    /// hour's worth) of the last accepted price, up or down by the same factor; always without a
    /// last round. A node that answers ETH at $100.01 an hour after $3 000 is refused here, though
    /// ETH_USD_MIN allows it.
    func checkChange(_ price: Decimal, last: Accepted?, wallTime: UInt64, maxChangePercentPerHour: Decimal) throws(LiveChainError) {
        guard let last, last.price > 0 else { return }
        let seconds = wallTime > last.at ? wallTime - last.at : 0
        let hours = max(Decimal(1), Decimal(seconds) / 3600)
        let allowed = maxChangePercentPerHour * hours
        let factor = 1 + allowed / 100
        guard price <= last.price * factor, price * factor >= last.price else {
            throw .priceJump(feed: address.checksummed, price: price.description, last: last.price.description,
                             secondsSinceLast: seconds, allowedPercent: allowed.rounded(2, .plain).description)
        }
    }

    /// The reference after `price` was accepted at `wallTime`: the new price once the reference is an
    /// hour old, else still the old one. Moving it on every quote would let a node walk the price
    /// down 10 % a quote, many times an hour; held for an hour, it moves at most the hourly band.
    static func reference(after last: Accepted?, accepting price: Decimal, at wallTime: UInt64) -> Accepted {
        if let last, wallTime >= last.at, wallTime - last.at < 3600 { return last }
        return Accepted(price: price, at: wallTime)
    }

    /// The key the last accepted round has in the `SharePriceStore` (its table keeps (time, integer)
    /// pairs per key; the price is stored × 10^18).
    var storeKey: String { "eth-usd:" + address.lowercased }

    static func stored(_ accepted: Accepted) -> SharePriceObservation? {
        guard let scaled = try? UInt256(decimal: accepted.price.shifted(by: 18).rounded(0, .down).plainString) else { return nil }
        return SharePriceObservation(timestamp: accepted.at, price: scaled)
    }

    static func accepted(from stored: [SharePriceObservation]?) -> Accepted? {
        guard let last = stored?.max(by: { $0.timestamp < $1.timestamp }) else { return nil }
        return Accepted(price: last.price.decimalValue.shifted(by: -18), at: last.timestamp)
    }
}
