/// The last line against two signers on one wallet (two engines the locks did not see, or a person
/// sending from the same key): at start, the node's count of transactions including unmined ones
/// against what this database journaled. Unmined transactions at nonces the journal never held were
/// signed by someone else, and an engine starting beside them would race them for nonces.
///
/// Transactions mined before the start are not counted: an operator may have used the wallet by hand
/// while the engine was stopped. Only ones still waiting are.
public enum ForeignSignerCheck {
    /// Nil when the start is safe; the refusal otherwise. `minedCount` and `pendingCount` are the
    /// node's `eth_getTransactionCount` at `latest` and `pending`; `highestJournaledNonce` the
    /// highest nonce of any attempt in the journal (nil: none).
    public static func refusal(wallet: String, chainID: UInt64, minedCount: UInt64, pendingCount: UInt64,
                               highestJournaledNonce: UInt64?) -> ForeignSignerError? {
        guard pendingCount > minedCount else { return nil }  // nothing waits
        let journaledCount = highestJournaledNonce.map { $0 + 1 } ?? 0
        guard pendingCount > max(journaledCount, minedCount) else { return nil }  // every waiting one is ours
        return ForeignSignerError(wallet: wallet, chainID: chainID, minedCount: minedCount, pendingCount: pendingCount,
                                  highestJournaledNonce: highestJournaledNonce)
    }
}

public struct ForeignSignerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var wallet: String
    public var chainID: UInt64
    public var minedCount: UInt64
    public var pendingCount: UInt64
    public var highestJournaledNonce: UInt64?

    public var description: String {
        let foreignFrom = max(minedCount, highestJournaledNonce.map { $0 + 1 } ?? 0)
        let journal = highestJournaledNonce.map { "its highest journaled nonce is \($0)" } ?? "it has journaled no transaction"
        return "another signer is active on wallet \(wallet) on chain \(chainID): the node holds unmined transactions at nonces "
            + "\(foreignFrom)…\(pendingCount - 1) that this database never signed (\(journal)). Refusing to start: two signers on one "
            + "wallet race for nonces. Stop the other engine or wallet, let its transactions be mined, then start again. Nothing was sent."
    }
}
