import EVM
import Foundation

extension UInt256 {
    init(_ value: UInt128) { self.init(limbs: UInt64(truncatingIfNeeded: value), UInt64(truncatingIfNeeded: value >> 64), 0, 0) }

    /// The value when it fits 128 bits.
    var uint128Value: UInt128? { (w2 | w3) == 0 ? UInt128(w1) << 64 | UInt128(w0) : nil }

    /// Exact, through the decimal digits.
    var decimalValue: Decimal { Decimal(string: decimalString) ?? 0 }

    /// Reads one 32-byte word of return data.
    static func word(_ index: Int, of data: [UInt8], call: String) throws(LiveChainError) -> UInt256 {
        let start = index * 32
        guard index >= 0, start + 32 <= data.count, let v = UInt256(bigEndian: data[start..<start + 32]) else {
            throw .badResult(call: call, detail: "no word \(index) in \(data.count) bytes of return data")
        }
        return v
    }

    /// Reads an address word (the high 12 bytes must be zero).
    static func address(_ index: Int, of data: [UInt8], call: String) throws(LiveChainError) -> Address {
        let word = try word(index, of: data, call: call)
        guard word.bitWidth <= 160, let a = try? Address(bytes: word.bigEndianBytes.suffix(20)) else {
            throw .badResult(call: call, detail: "word \(index) is not an address")
        }
        return a
    }
}
