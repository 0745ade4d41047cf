/// Something a chain changed that outlives the process, handed to the engine as a value: the engine
/// commits it in the same transaction as the rows and events of the action that caused it, so a crash
/// loses such a change only together with the engine's record of its cause. No chain writes anywhere.
public enum ChainEffect: Sendable, Hashable {
    /// Changed accounts of a simulated (or shadow) ledger; a newer value of an account replaces an older one.
    case simulatedLedger([String: String])
    /// What is kept of one vault's share prices, replaced whole (the live chain keeps a bounded window).
    case vaultSharePrices(vault: String, [VaultSharePrice])
    /// A mined transaction's receipt, kept for the books (block, gas, effective price, L1 fee).
    case receiptObserved(TransactionReceipt)

    /// `effects` with every superseded one folded away, oldest first: ledger accounts merged (newer
    /// values win), a vault's window the newest one, one receipt per hash.
    public static func coalesced(_ effects: [ChainEffect]) -> [ChainEffect] {
        var ledger: [String: String] = [:]
        var windows: [String: [VaultSharePrice]] = [:]
        var receipts: [String: TransactionReceipt] = [:]
        for effect in effects {
            switch effect {
            case .simulatedLedger(let accounts): ledger.merge(accounts) { _, newer in newer }
            case .vaultSharePrices(let vault, let prices): windows[vault] = prices
            case .receiptObserved(let receipt): receipts[receipt.hash] = receipts[receipt.hash] ?? receipt
            }
        }
        var out: [ChainEffect] = ledger.isEmpty ? [] : [.simulatedLedger(ledger)]
        out += windows.sorted { $0.key < $1.key }.map { .vaultSharePrices(vault: $0.key, $0.value) }
        out += receipts.sorted { $0.key < $1.key }.map { .receiptObserved($0.value) }
        return out
    }
}
