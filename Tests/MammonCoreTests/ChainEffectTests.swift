import MammonCore
import XCTest

/// What the engine writes of a chain's effects when several came since its last commit (or a failed
/// commit left some): the newest of each account, vault window and receipt, nothing lost.
final class ChainEffectTests: XCTestCase {
    func receipt(_ hash: String, block: UInt64) -> TransactionReceipt {
        TransactionReceipt(hash: hash, succeeded: true, blockNumber: block, gasUsed: 21_000, effectiveGasPriceWei: 1)
    }

    func testNewerLedgerValuesWinAWindowIsReplacedWholeAndOneReceiptIsKeptPerHash() {
        let old = [VaultSharePrice(blockTime: 1, assetsPerShare: "10"), VaultSharePrice(blockTime: 2, assetsPerShare: "11")]
        let new = [VaultSharePrice(blockTime: 3, assetsPerShare: "12")]
        let effects: [ChainEffect] = [
            .simulatedLedger(["wallet": "1", "nonce": "0"]),
            .vaultSharePrices(vault: "0xbb", old),
            .receiptObserved(receipt("0x01", block: 7)),
            .vaultSharePrices(vault: "0xaa", old),
            .simulatedLedger(["wallet": "2"]),
            .vaultSharePrices(vault: "0xbb", new),
            .receiptObserved(receipt("0x01", block: 7)),
            .receiptObserved(receipt("0x02", block: 8)),
        ]
        XCTAssertEqual(ChainEffect.coalesced(effects), [
            .simulatedLedger(["wallet": "2", "nonce": "0"]),
            .vaultSharePrices(vault: "0xaa", old),
            .vaultSharePrices(vault: "0xbb", new),
            .receiptObserved(receipt("0x01", block: 7)),
            .receiptObserved(receipt("0x02", block: 8)),
        ])
        XCTAssertEqual(ChainEffect.coalesced([]), [])
    }

    func testABufferHandsItsEffectsOverOnceAndKeepsOneValuePerKeyMeanwhile() {
        let buffer = ChainEffects()
        for i in 0..<100 { buffer.record(.simulatedLedger(["wallet": String(i)])) }
        buffer.record(.receiptObserved(receipt("0x01", block: 1)))
        XCTAssertEqual(buffer.take(), [.simulatedLedger(["wallet": "99"]), .receiptObserved(receipt("0x01", block: 1))])
        XCTAssertEqual(buffer.take(), [], "taken once")
    }
}
