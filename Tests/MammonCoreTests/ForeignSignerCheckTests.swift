import MammonCore
import XCTest

/// Another signer on the wallet, seen at start from the node's counts against the journal.
final class ForeignSignerCheckTests: XCTestCase {
    private func refusal(mined: UInt64, pending: UInt64, journaled: UInt64?) -> ForeignSignerError? {
        ForeignSignerCheck.refusal(wallet: "0xW", chainID: 8453, minedCount: mined, pendingCount: pending, highestJournaledNonce: journaled)
    }

    func testWaitingTransactionsTheJournalNeverHeldRefuseTheStart() {
        XCTAssertNil(refusal(mined: 5, pending: 5, journaled: nil), "nothing waits: past hand-made transactions are fine")
        XCTAssertNil(refusal(mined: 5, pending: 5, journaled: 1))
        XCTAssertNil(refusal(mined: 5, pending: 6, journaled: 5), "the waiting one is ours: recovery finishes it")
        XCTAssertNotNil(refusal(mined: 5, pending: 6, journaled: nil), "one waits and we journaled none")
        XCTAssertNotNil(refusal(mined: 5, pending: 6, journaled: 3), "one waits at a nonce above our journal")
        XCTAssertNotNil(refusal(mined: 5, pending: 7, journaled: 5), "ours waits at 5 and someone else's at 6")
        XCTAssertEqual(refusal(mined: 5, pending: 8, journaled: 5)?.description,
                       "another signer is active on wallet 0xW on chain 8453: the node holds unmined transactions at nonces 6…7 that this database never signed (its highest journaled nonce is 5). Refusing to start: two signers on one wallet race for nonces. Stop the other engine or wallet, let its transactions be mined, then start again. Nothing was sent.")
    }
}
