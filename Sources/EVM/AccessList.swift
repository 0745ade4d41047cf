/// One EIP-2930 access-list entry: an address and the storage slots the transaction will touch.
public struct AccessListEntry: Sendable, Hashable, Codable {
    public var address: Address
    /// 32-byte storage keys.
    public var storageKeys: [[UInt8]]

    public init(address: Address, storageKeys: [[UInt8]] = []) throws {
        for key in storageKeys where key.count != 32 { throw TransactionError.storageKeyLength(key.count) }
        self.address = address
        self.storageKeys = storageKeys
    }

    enum CodingKeys: String, CodingKey { case address, storageKeys }

    /// The JSON-RPC shape: `{"address": "0x…", "storageKeys": ["0x…32 bytes"]}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let keys = try c.decode([String].self, forKey: .storageKeys).map { try Hex.decode($0) }
        try self.init(address: c.decode(Address.self, forKey: .address), storageKeys: keys)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(storageKeys.map { Hex.encode($0) }, forKey: .storageKeys)
    }
}

extension Array where Element == AccessListEntry {
    /// `[[address, [key, …]], …]` as RLP.
    var rlpItem: RLPItem {
        .list(map { entry in .list([.address(entry.address), .list(entry.storageKeys.map { .bytes($0) })]) })
    }

    init(rlp item: RLPItem) throws {
        self = try item.listValue("accessList").map { entryItem in
            let pair = try entryItem.listValue("accessList entry")
            guard pair.count == 2 else { throw TransactionError.wrongFieldCount(kind: "access list entry", expected: 2, got: pair.count) }
            let address = try Address(bytes: pair[0].bytesValue("accessList address"))
            let keys = try pair[1].listValue("storageKeys").map { try $0.bytesValue("storage key") }
            return try AccessListEntry(address: address, storageKeys: keys)
        }
    }
}
