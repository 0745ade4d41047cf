/// Appends RLP straight into one byte array, without building `RLPItem` trees.
///
/// Transaction signing uses this: fields are written in order into a payload, then `wrapList`
/// prepends the list header. That keeps the hot path to a couple of allocations.
public struct RLPWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func append(_ item: RLPItem) {
        switch item {
        case .bytes(let b):
            append(bytes: b)
        case .list(let items):
            var inner = RLPWriter()
            for i in items { inner.append(i) }
            appendList(payload: inner.bytes)
        }
    }

    /// A byte string.
    public mutating func append(bytes value: some Collection<UInt8>) {
        if value.count == 1, let b = value.first, b < 0x80 {
            bytes.append(b)
            return
        }
        appendHeader(length: value.count, shortBase: 0x80)
        bytes.append(contentsOf: value)
    }

    /// An integer in canonical form (no leading zeros, zero as the empty string).
    public mutating func append(uint value: UInt256) {
        let width = value.byteWidth
        if width == 1 && value.w0 < 0x80 {
            bytes.append(UInt8(value.w0))
            return
        }
        bytes.append(0x80 + UInt8(width))
        value.appendMinimalBigEndian(to: &bytes)
    }

    public mutating func append(uint value: UInt64) { append(uint: UInt256(value)) }

    /// An address, or the empty string for contract creation.
    public mutating func append(address: Address?) {
        if let address { append(bytes: address.bytes) } else { bytes.append(0x80) }
    }

    /// A list whose items are already encoded in `payload`.
    public mutating func appendList(payload: [UInt8]) {
        appendHeader(length: payload.count, shortBase: 0xc0)
        bytes.append(contentsOf: payload)
    }

    /// Raw bytes, e.g. the type byte of a typed transaction.
    public mutating func appendRaw(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    private mutating func appendHeader(length: Int, shortBase: UInt8) {
        if length < 56 {
            bytes.append(shortBase + UInt8(length))
            return
        }
        let lengthBytes = (64 - UInt64(length).leadingZeroBitCount + 7) / 8
        bytes.append(shortBase + 55 + UInt8(lengthBytes))
        for i in stride(from: lengthBytes - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: length >> (i * 8)))
        }
    }
}
