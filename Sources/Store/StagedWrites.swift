import Synchronization

/// Changes a chain makes between the engine's commits (the simulated ledger, a vault's share
/// prices), held until the engine's next commit writes them in the same transaction as its rows and
/// events. The engine stays the only writer of its database, and a crash loses a staged change
/// together with the engine's record of what caused it, never one without the other.
public final class StagedWrites: Sendable {
    private struct Pending {
        var ledger: [String: String] = [:]
        var keyed: [String: StoreMutation] = [:]
    }
    private let pending = Mutex(Pending())

    public init() {}

    /// Stages changed simulated-ledger accounts; later values of an account replace earlier ones.
    public func stageLedger(_ changes: [String: String]) {
        pending.withLock { $0.ledger.merge(changes) { _, new in new } }
    }

    /// Stages `mutation` under `key`; a newer change under the same key replaces the older one
    /// (a vault's whole share-price window, say).
    public func stage(_ mutation: StoreMutation, key: String) {
        pending.withLock { $0.keyed[key] = mutation }
    }

    /// Everything staged, emptying the stage.
    func drain() -> [StoreMutation] {
        pending.withLock { p in
            defer { p = Pending() }
            var out: [StoreMutation] = p.ledger.isEmpty ? [] : [.simulatedLedger(p.ledger)]
            out += p.keyed.sorted { $0.key < $1.key }.map(\.value)
            return out
        }
    }

    /// Puts back what a failed commit did not write, under anything staged since.
    func restore(_ mutations: [StoreMutation]) {
        pending.withLock { p in
            for m in mutations {
                switch m {
                case .simulatedLedger(let accounts): p.ledger.merge(accounts) { newer, _ in newer }
                case .vaultSharePrices(let vault, _): if p.keyed["vault:" + vault] == nil { p.keyed["vault:" + vault] = m }
                case .receiptObserved(let r): if p.keyed["receipt:" + r.hash] == nil { p.keyed["receipt:" + r.hash] = m }
                default: break
                }
            }
        }
    }
}
