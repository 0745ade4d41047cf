/// A type-0 transaction with EIP-155 replay protection (the chain id is part of what is signed).
public struct LegacyTransaction: Sendable, Hashable {
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    /// nil only for pre-EIP-155 transactions read from a chain; signing requires a chain id.
    public var chainID: UInt64?

    public init(chainID: UInt64?, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Address?,
                value: UInt256 = .zero, data: [UInt8] = []) {
        self.chainID = chainID; self.nonce = nonce; self.gasPrice = gasPrice; self.gasLimit = gasLimit
        self.to = to; self.value = value; self.data = data
    }

    /// EIP-155: rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]); six fields without a chain id.
    public func signingPayload() -> [UInt8] {
        var fields = fieldsWriter()
        if let chainID {
            fields.append(uint: chainID)
            fields.append(uint: UInt64(0))
            fields.append(uint: UInt64(0))
        }
        var out = RLPWriter(capacity: fields.bytes.count + 9)
        out.appendList(payload: fields.bytes)
        return out.bytes
    }

    public func signingHash() -> [UInt8] { Keccak256.hash(signingPayload()) }

    /// v = chainId·2 + 35 + recovery id (EIP-155), or 27 + recovery id without a chain id.
    public func v(recoveryID: UInt8) -> UInt256 {
        guard let chainID else { return UInt256(27 + UInt64(recoveryID)) }
        return UInt256(chainID) * 2 + UInt256(35 + UInt64(recoveryID))
    }

    /// Attaches a signature made over `signingHash()`.
    public func signed(with signature: Signature) -> SignedTransaction {
        var fields = fieldsWriter()
        fields.append(uint: v(recoveryID: signature.recoveryID))
        fields.append(uint: signature.r)
        fields.append(uint: signature.s)
        var out = RLPWriter(capacity: fields.bytes.count + 9)
        out.appendList(payload: fields.bytes)
        return SignedTransaction(transaction: .legacy(self), signature: signature, raw: out.bytes)
    }

    public func sign(with signer: any Signer) async throws -> SignedTransaction {
        guard chainID != nil else { throw TransactionError.missingChainID }
        return signed(with: try await signer.sign(digest: signingHash()))
    }

    private func fieldsWriter() -> RLPWriter {
        var w = RLPWriter(capacity: data.count + 120)
        w.append(uint: nonce)
        w.append(uint: gasPrice)
        w.append(uint: gasLimit)
        w.append(address: to)
        w.append(uint: value)
        w.append(bytes: data)
        return w
    }
}
