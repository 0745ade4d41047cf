import EVM

/// Chainlink's L2 sequencer uptime feed: `latestRoundData` answers 0 while the sequencer is up, 1
/// while it is down, and `startedAt` is when that status began. While the sequencer is down the L2
/// can lag L1 (prices go stale, only forced transactions land); after it returns, nothing is trusted
/// for a grace period, so feeds and markets catch up before the engine acts on them.
struct SequencerUptimeFeed: Sendable {
    let address: Address
    let graceSeconds: UInt64

    var call: ContractCall { ContractCall(to: address, "latestRoundData()", label: "sequencer uptime latestRoundData") }

    /// Throws unless the sequencer has been up for the whole grace period at `wallTime` (Unix seconds).
    func check(_ data: [UInt8], wallTime: UInt64) throws(LiveChainError) {
        let label = "sequencer uptime latestRoundData"
        let answer = try UInt256.word(1, of: data, call: label)
        let startedAt = try UInt256.word(2, of: data, call: label)
        let feed = address.checksummed
        guard let since = startedAt.uint64Value, since > 0 else {
            throw .outOfRange(call: "\(label) startedAt", value: startedAt.decimalString, limit: "a time after 0 that fits 64 bits")
        }
        guard answer.isZero else {
            guard answer == UInt256(1) else { throw .outOfRange(call: "\(label) answer", value: answer.decimalString, limit: "0 (up) or 1 (down)") }
            throw .sequencerDown(feed: feed, since: since)
        }
        let upFor = wallTime > since ? wallTime - since : 0
        guard upFor >= graceSeconds else {
            throw .sequencerGrace(feed: feed, upSince: since, remainingSeconds: graceSeconds - upFor, graceSeconds: graceSeconds)
        }
    }
}
