import Foundation
import MammonCore

/// The simulated network's receipts by hash. Those restored from the database stay as their stored
/// JSON until one is looked up (a year of operation is a thousand of them, decoded at every start
/// for nothing); those mined since are values. A stored one that does not decode is an error when it
/// is looked up, never "not mined".
public struct SimulatedReceipts: Sendable, Hashable {
    private var stored: [String: String] = [:]
    /// Mined since the ledger was restored: what `SimulatedLedger.persistedChanges` writes.
    public private(set) var mined: [String: TransactionReceipt] = [:]

    public init() {}

    public var count: Int { stored.count + mined.count }

    public func contains(_ hash: String) -> Bool { mined[hash] != nil || stored[hash] != nil }

    public func receipt(_ hash: String) throws -> TransactionReceipt? {
        if let r = mined[hash] { return r }
        guard let text = stored[hash] else { return nil }
        guard let r = try? JSONLineReader.decode(TransactionReceipt.self, from: text, legacyDates: true) else {
            throw SimulatedChainError.corruptLedger("receipt:\(hash)")
        }
        return r
    }

    public mutating func record(_ receipt: TransactionReceipt) { mined[receipt.hash] = receipt }

    mutating func restore(hash: String, json: String) { stored[hash] = json }

    /// Every receipt as the ledger table stores it.
    var persisted: [String: String] {
        var out = stored
        for (hash, r) in mined { out[hash] = Self.json(r) }
        return out
    }

    static func json(_ r: TransactionReceipt) -> String { (try? JSONLineWriter.encode(r)) ?? "" }

    /// The same receipts, however each is held (a restored ledger equals the one that was stored).
    public static func == (a: SimulatedReceipts, b: SimulatedReceipts) -> Bool {
        guard a.count == b.count else { return false }
        for (hash, text) in a.stored {
            if let other = b.stored[hash] {
                if other != text && (try? a.receipt(hash)) != (try? b.receipt(hash)) { return false }
            } else if let other = b.mined[hash] {
                guard (try? a.receipt(hash)) == other else { return false }
            } else {
                return false
            }
        }
        for (hash, r) in a.mined {
            guard b.contains(hash), (try? b.receipt(hash)) == r else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(Set(stored.keys).union(mined.keys)) }
}
