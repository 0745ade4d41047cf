import Synchronization

/// A chain's effects since the engine last took them (`ChainGateway.takeEffects`). The chain owns it:
/// only the chain records, only the engine takes. Superseded effects are folded away as they come
/// (newer ledger values and share-price windows replace older ones, one receipt per hash), so a chain
/// nobody takes from (`mammon markets`) holds one value per account, vault and receipt.
public final class ChainEffects: Sendable {
    private let pending = Mutex<[ChainEffect]>([])

    public init() {}

    public func record(_ effect: ChainEffect) {
        pending.withLock { $0 = ChainEffect.coalesced($0 + [effect]) }
    }

    /// Everything recorded, coalesced, emptying the buffer.
    public func take() -> [ChainEffect] {
        pending.withLock { list in
            defer { list = [] }
            return list
        }
    }
}
