import EVM

/// The human-readable fields of a signed transaction, in a stable order.
public struct TransactionFields {
    public let ordered: [(String, String)]

    public init(_ signed: SignedTransaction) {
        var f: [(String, String)] = []
        let sender = (try? signed.recoverSender().checksummed) ?? "unrecoverable"
        switch signed.transaction {
        case .legacy(let tx):
            f.append(("type", tx.chainID == nil ? "legacy (pre-EIP-155)" : "legacy (EIP-155)"))
            f.append(("chainId", tx.chainID.map(String.init) ?? "none"))
            f.append(("nonce", String(tx.nonce)))
            f.append(("gasPrice", tx.gasPrice.decimalString))
            f.append(("gas", String(tx.gasLimit)))
            f.append(("to", tx.to?.checksummed ?? "contract creation"))
            f.append(("value", tx.value.decimalString))
            f.append(("data", Hex.encode(tx.data)))
            f.append(("v", tx.v(recoveryID: signed.signature.recoveryID).decimalString))
        case .eip1559(let tx):
            f.append(("type", "2 (EIP-1559)"))
            f.append(("chainId", String(tx.chainID)))
            f.append(("nonce", String(tx.nonce)))
            f.append(("maxPriorityFeePerGas", tx.maxPriorityFeePerGas.decimalString))
            f.append(("maxFeePerGas", tx.maxFeePerGas.decimalString))
            f.append(("gas", String(tx.gasLimit)))
            f.append(("to", tx.to?.checksummed ?? "contract creation"))
            f.append(("value", tx.value.decimalString))
            f.append(("data", Hex.encode(tx.data)))
            for (i, entry) in tx.accessList.enumerated() {
                f.append(("accessList[\(i)]", "\(entry.address) " + entry.storageKeys.map { Hex.encode($0) }.joined(separator: ",")))
            }
            f.append(("yParity", String(signed.signature.recoveryID)))
        }
        f.append(("r", signed.signature.r.hexString))
        f.append(("s", signed.signature.s.hexString))
        f.append(("from", sender))
        f.append(("hash", signed.hashHex))
        ordered = f
    }

    /// An unsigned type-2 payload: a shadow run's would-be transaction (no signature, no sender, no hash).
    public init(unsigned tx: EIP1559Transaction) {
        ordered = [("type", "2 (EIP-1559), unsigned: a shadow run's would-be transaction, never sent"),
                   ("chainId", String(tx.chainID)), ("nonce", String(tx.nonce)),
                   ("maxPriorityFeePerGas", tx.maxPriorityFeePerGas.decimalString), ("maxFeePerGas", tx.maxFeePerGas.decimalString),
                   ("gas", String(tx.gasLimit)), ("to", tx.to?.checksummed ?? "contract creation"), ("value", tx.value.decimalString),
                   ("data", Hex.encode(tx.data)), ("signingHash", Hex.encode(Keccak256.hash(tx.signingPayload())))]
    }

    public var dictionary: [String: String] { Dictionary(ordered, uniquingKeysWith: { a, _ in a }) }
}
