import EVM
import Foundation

/// ETH/USD from a Chainlink-style aggregator: `latestRoundData`, `decimals` read once. A stale,
/// incomplete or non-positive round is an error that blocks spending; there is no fallback price.
struct PriceFeed: Sendable {
    let address: Address
    let decimals: UInt8
    let maxAgeSeconds: UInt64

    static func latestRoundDataCall(_ feed: Address) -> ContractCall {
        ContractCall(to: feed, "latestRoundData()", label: "ETH/USD latestRoundData")
    }

    static func decimalsCall(_ feed: Address) -> ContractCall {
        ContractCall(to: feed, "decimals()", label: "ETH/USD decimals")
    }

    /// The price from `latestRoundData` return data, checked against the block time `now`.
    func price(from data: [UInt8], now: UInt64) throws(LiveChainError) -> Decimal {
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
        let updated = updatedAt.uint64Value ?? .max
        let age = now > updated ? now - updated : 0
        guard age <= maxAgeSeconds else {
            throw .stalePrice(feed: feed, updatedAt: updated, ageSeconds: age, limitSeconds: maxAgeSeconds)
        }
        return answer.decimalValue / Decimal.powerOfTen(Int(decimals))
    }
}
