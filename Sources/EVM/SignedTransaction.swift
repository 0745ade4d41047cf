/// A transaction of any type the engine signs.
public enum Transaction: Sendable, Hashable {
    case legacy(LegacyTransaction)
    case eip1559(EIP1559Transaction)

    /// The digest the sender signed.
    public func signingHash() -> [UInt8] {
        switch self {
        case .legacy(let tx): return tx.signingHash()
        case .eip1559(let tx): return tx.signingHash()
        }
    }

    public var chainID: UInt64? {
        switch self {
        case .legacy(let tx): return tx.chainID
        case .eip1559(let tx): return tx.chainID
        }
    }

    public var nonce: UInt64 {
        switch self {
        case .legacy(let tx): return tx.nonce
        case .eip1559(let tx): return tx.nonce
        }
    }

    public var to: Address? {
        switch self {
        case .legacy(let tx): return tx.to
        case .eip1559(let tx): return tx.to
        }
    }

    public var value: UInt256 {
        switch self {
        case .legacy(let tx): return tx.value
        case .eip1559(let tx): return tx.value
        }
    }

    public var data: [UInt8] {
        switch self {
        case .legacy(let tx): return tx.data
        case .eip1559(let tx): return tx.data
        }
    }

    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let tx): return tx.gasLimit
        case .eip1559(let tx): return tx.gasLimit
        }
    }
}

/// A signed transaction: what `eth_sendRawTransaction` takes, with its hash.
public struct SignedTransaction: Sendable, Hashable {
    public let transaction: Transaction
    public let signature: Signature
    /// The serialized bytes (typed transactions include their type byte).
    public let raw: [UInt8]
    /// keccak256(raw): the id the chain reports for this transaction.
    public let hash: [UInt8]

    init(transaction: Transaction, signature: Signature, raw: [UInt8]) {
        self.transaction = transaction
        self.signature = signature
        self.raw = raw
        self.hash = Keccak256.hash(raw)
    }

    public var rawHex: String { Hex.encode(raw) }
    public var hashHex: String { Hex.encode(hash) }

    /// The address that signed, recovered from the signature (what a node does to learn `from`).
    /// High-s and out-of-range signatures are rejected as nodes reject them.
    public func recoverSender() throws -> Address {
        try signature.validateForTransaction()
        return try Secp256k1.recoverAddress(digest: transaction.signingHash(), signature: signature)
    }
}

/// Why a transaction cannot be built, signed or decoded.
public enum TransactionError: Error, Equatable, CustomStringConvertible {
    case missingChainID
    case emptyInput
    case unsupportedType(UInt8)
    case wrongFieldCount(kind: String, expected: Int, got: Int)
    case badDestination(length: Int)
    case badV(String)
    case valueTooLarge(field: String)
    case storageKeyLength(Int)

    public var description: String {
        switch self {
        case .missingChainID: return "a legacy transaction needs a chain id to be signed (EIP-155 replay protection)"
        case .emptyInput: return "the raw transaction is empty"
        case .unsupportedType(let t): return "unsupported transaction type 0x\(String(t, radix: 16)) (supported: legacy, 0x02)"
        case .wrongFieldCount(let kind, let expected, let got): return "\(kind) has \(got) fields, expected \(expected)"
        case .badDestination(let n): return "destination is \(n) bytes, expected 20 or empty"
        case .badV(let v): return "signature v value \(v) is neither 27/28 nor an EIP-155 value (≥ 35)"
        case .valueTooLarge(let f): return "\(f) is larger than this implementation accepts"
        case .storageKeyLength(let n): return "an access-list storage key is 32 bytes, got \(n)"
        }
    }
}
