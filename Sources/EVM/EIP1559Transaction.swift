/// A type-2 (EIP-1559) transaction: a fee cap and a priority fee instead of one gas price.
public struct EIP1559Transaction: Sendable, Hashable {
    public static let typeByte: UInt8 = 0x02

    public var chainID: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// nil creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256,
                gasLimit: UInt64, to: Address?, value: UInt256 = .zero, data: [UInt8] = [],
                accessList: [AccessListEntry] = []) {
        self.chainID = chainID; self.nonce = nonce; self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas; self.gasLimit = gasLimit; self.to = to; self.value = value
        self.data = data; self.accessList = accessList
    }

    /// 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList]).
    public func signingPayload() -> [UInt8] { envelope(fieldsWriter()) }

    public func signingHash() -> [UInt8] { Keccak256.hash(signingPayload()) }

    /// Attaches a signature made over `signingHash()`: 0x02 ‖ rlp([…9 fields, yParity, r, s]).
    public func signed(with signature: Signature) -> SignedTransaction {
        var fields = fieldsWriter()
        fields.append(uint: UInt64(signature.recoveryID))
        fields.append(uint: signature.r)
        fields.append(uint: signature.s)
        return SignedTransaction(transaction: .eip1559(self), signature: signature, raw: envelope(fields))
    }

    public func sign(with signer: any Signer) async throws -> SignedTransaction {
        signed(with: try await signer.sign(digest: signingHash()))
    }

    private func envelope(_ fields: RLPWriter) -> [UInt8] {
        var out = RLPWriter(capacity: fields.bytes.count + 10)
        out.appendRaw(CollectionOfOne(Self.typeByte))
        out.appendList(payload: fields.bytes)
        return out.bytes
    }

    private func fieldsWriter() -> RLPWriter {
        var w = RLPWriter(capacity: data.count + 200)
        w.append(uint: chainID)
        w.append(uint: nonce)
        w.append(uint: maxPriorityFeePerGas)
        w.append(uint: maxFeePerGas)
        w.append(uint: gasLimit)
        w.append(address: to)
        w.append(uint: value)
        w.append(bytes: data)
        if accessList.isEmpty {
            w.appendRaw(CollectionOfOne(0xc0))
        } else {
            w.append(accessList.rlpItem)
        }
        return w
    }
}
