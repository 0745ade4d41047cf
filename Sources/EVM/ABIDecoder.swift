/// Reads ABI data against a list of types, checking every offset, length and padding.
struct ABIDecoder {
    let data: [UInt8]
    /// Values left to produce. Offsets may legally point at shared data, so nested arrays could
    /// otherwise expand small input into a huge tree; this caps the work per decode.
    private var budget = 100_000

    init(data: [UInt8]) { self.data = data }

    /// Decodes a head/tail sequence whose head starts at `base`; offsets are relative to `base`.
    mutating func decodeSequence(_ types: [ABIType], at base: Int) throws -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(min(types.count, 1024))
        var head = base
        for type in types {
            if type.isDynamic {
                let offset = try readLength(at: head)
                guard offset <= data.count - base else { throw ABIError.badOffset(offset: head) }
                values.append(try decodeValue(type, at: base + offset))
                head += 32
            } else {
                values.append(try decodeValue(type, at: head))
                head += type.headSize
            }
        }
        return values
    }

    private mutating func decodeValue(_ type: ABIType, at offset: Int) throws -> ABIValue {
        budget -= 1
        guard budget >= 0 else { throw ABIError.tooComplex }
        switch type {
        case .address:
            let w = try word(at: offset)
            guard w.prefix(12).allSatisfy({ $0 == 0 }) else { throw ABIError.dirtyValue(type: "address", offset: offset) }
            return .address(Address(validBytes: Array(w.suffix(20))))
        case .bool:
            let v = try uint(at: offset)
            guard v <= 1 else { throw ABIError.dirtyValue(type: "bool", offset: offset) }
            return .bool(v == 1)
        case .uint(let bits):
            let v = try uint(at: offset)
            guard v.bitWidth <= bits else { throw ABIError.dirtyValue(type: type.canonicalName, offset: offset) }
            return .uint(v)
        case .int(let bits):
            let v = Int256(bitPattern: try uint(at: offset))
            // Valid int<N>: bits above N−1 are all copies of the sign bit.
            let high = v.bitPattern >> (bits - 1)
            guard high.isZero || high == (UInt256.max >> (bits - 1)) else {
                throw ABIError.dirtyValue(type: type.canonicalName, offset: offset)
            }
            return .int(v)
        case .fixedBytes(let n):
            let w = try word(at: offset)
            guard w.dropFirst(n).allSatisfy({ $0 == 0 }) else { throw ABIError.dirtyValue(type: type.canonicalName, offset: offset) }
            return .fixedBytes(Array(w.prefix(n)))
        case .bytes:
            return .bytes(try lengthPrefixed(at: offset))
        case .string:
            let bytes = try lengthPrefixed(at: offset)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ABIError.invalidUTF8(offset: offset) }
            return .string(text)
        case .array(let element):
            let count = try readLength(at: offset)
            let start = offset + 32
            // Every element takes at least its head in the data; checked before allocating anything.
            guard count <= data.count, count.multipliedReportingOverflow(by: max(element.headSize, 1)).partialValue
                    <= data.count - start else {
                throw ABIError.badOffset(offset: offset)
            }
            return .array(try decodeSequence(Array(repeating: element, count: count), at: start))
        case .fixedArray(let element, let count):
            return .fixedArray(try decodeSequence(Array(repeating: element, count: count), at: offset))
        case .tuple(let types):
            return .tuple(try decodeSequence(types, at: offset))
        }
    }

    private func word(at offset: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, offset <= data.count - 32 else { throw ABIError.dataTooShort(offset: offset, needed: 32) }
        return data[offset..<(offset + 32)]
    }

    private func uint(at offset: Int) throws -> UInt256 { UInt256(bigEndian: try word(at: offset))! }

    /// A word used as an offset or a length: it must be small enough to index the data.
    private func readLength(at offset: Int) throws -> Int {
        let v = try uint(at: offset)
        guard let small = v.uint64Value, small <= UInt64(data.count) else { throw ABIError.badOffset(offset: offset) }
        return Int(small)
    }

    /// `bytes`/`string` content: a length word, then that many bytes (padding is not required).
    private func lengthPrefixed(at offset: Int) throws -> [UInt8] {
        let length = try readLength(at: offset)
        let start = offset + 32
        guard length <= data.count - start else { throw ABIError.dataTooShort(offset: start, needed: length) }
        return Array(data[start..<(start + length)])
    }
}
