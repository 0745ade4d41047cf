/// Parses raw signed transactions (legacy and type 2), as `mammon tx decode` and the chain
/// reconciliation read them back. The RLP must be canonical, so the hash of what was decoded is
/// the hash of what was sent.
public enum TransactionDecoder {
    public static func decode(_ raw: [UInt8]) throws -> SignedTransaction {
        guard let first = raw.first else { throw TransactionError.emptyInput }
        if first >= 0xc0 { return try decodeLegacy(raw) }
        switch first {
        case EIP1559Transaction.typeByte: return try decodeEIP1559(raw)
        default: throw TransactionError.unsupportedType(first)
        }
    }

    public static func decode(hex: String) throws -> SignedTransaction { try decode(Hex.decode(hex)) }

    /// A type-2 signing payload (0x02 ‖ rlp of the 9 unsigned fields): what a shadow run journals as
    /// the transaction it would have sent. Canonical, so re-encoding it gives the same bytes.
    public static func decodeUnsigned(hex: String) throws -> EIP1559Transaction {
        let raw = try Hex.decode(hex)
        guard let first = raw.first else { throw TransactionError.emptyInput }
        guard first == EIP1559Transaction.typeByte else { throw TransactionError.unsupportedType(first) }
        let fields = try RLP.decode(Array(raw.dropFirst())).listValue("transaction")
        guard fields.count == 9 else { throw TransactionError.wrongFieldCount(kind: "unsigned EIP-1559 transaction", expected: 9, got: fields.count) }
        let tx = try eip1559(fields)
        guard tx.signingPayload() == raw else { throw TransactionError.wrongFieldCount(kind: "canonical unsigned EIP-1559 transaction", expected: 9, got: fields.count) }
        return tx
    }

    private static func eip1559(_ fields: [RLPItem]) throws -> EIP1559Transaction {
        EIP1559Transaction(
            chainID: try fields[0].uint64Value("chainId"), nonce: try fields[1].uint64Value("nonce"),
            maxPriorityFeePerGas: try fields[2].uint256Value("maxPriorityFeePerGas"),
            maxFeePerGas: try fields[3].uint256Value("maxFeePerGas"), gasLimit: try fields[4].uint64Value("gas"),
            to: try destination(fields[5]), value: try fields[6].uint256Value("value"),
            data: try fields[7].bytesValue("data"), accessList: try [AccessListEntry](rlp: fields[8]))
    }

    private static func decodeLegacy(_ raw: [UInt8]) throws -> SignedTransaction {
        let fields = try RLP.decode(raw).listValue("transaction")
        guard fields.count == 9 else { throw TransactionError.wrongFieldCount(kind: "legacy transaction", expected: 9, got: fields.count) }
        let v = try fields[6].uint256Value("v")
        let chainID: UInt64?
        let recoveryID: UInt8
        if v == 27 || v == 28 {
            chainID = nil
            recoveryID = UInt8(v.w0 - 27)
        } else if v >= 35 {
            let (q, r) = (v - 35).quotientAndRemainder(dividingBy: UInt64(2))
            guard let id = q.uint64Value else { throw TransactionError.valueTooLarge(field: "chain id") }
            chainID = id
            recoveryID = UInt8(r)
        } else {
            throw TransactionError.badV(v.decimalString)
        }
        let tx = LegacyTransaction(
            chainID: chainID, nonce: try fields[0].uint64Value("nonce"), gasPrice: try fields[1].uint256Value("gasPrice"),
            gasLimit: try fields[2].uint64Value("gas"), to: try destination(fields[3]),
            value: try fields[4].uint256Value("value"), data: try fields[5].bytesValue("data"))
        let signature = Signature(r: try fields[7].uint256Value("r"), s: try fields[8].uint256Value("s"), recoveryID: recoveryID)
        return SignedTransaction(transaction: .legacy(tx), signature: signature, raw: raw)
    }

    private static func decodeEIP1559(_ raw: [UInt8]) throws -> SignedTransaction {
        let fields = try RLP.decode(Array(raw.dropFirst())).listValue("transaction")
        guard fields.count == 12 else { throw TransactionError.wrongFieldCount(kind: "EIP-1559 transaction", expected: 12, got: fields.count) }
        let yParity = try fields[9].uint64Value("yParity")
        guard yParity <= 1 else { throw TransactionError.badV(String(yParity)) }
        let tx = try eip1559(fields)
        let signature = Signature(r: try fields[10].uint256Value("r"), s: try fields[11].uint256Value("s"),
                                  recoveryID: UInt8(yParity))
        return SignedTransaction(transaction: .eip1559(tx), signature: signature, raw: raw)
    }

    private static func destination(_ item: RLPItem) throws -> Address? {
        let bytes = try item.bytesValue("to")
        if bytes.isEmpty { return nil }
        guard bytes.count == 20 else { throw TransactionError.badDestination(length: bytes.count) }
        return try Address(bytes: bytes)
    }
}
