import Foundation

/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not NIST SHA3-256 (0x06).
///
/// swift-crypto and OpenSSL 3.0 only ship the NIST variant, so this is our own. The permutation is
/// fully unrolled over 25 locals because that is what makes it fast (≥ 300 MB/s) without SIMD.
/// Use `hash(_:)` for one-shot hashing, or `update(_:)` / `finalize()` to stream.
public struct Keccak256: Sendable {
    /// Bytes absorbed per permutation: (1600 − 2·256) / 8.
    public static let rate = 136
    public static let digestByteCount = 32

    private var state = State()
    /// Bytes of the current block already XORed into the state.
    private var position = 0

    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public static func hash(_ bytes: some ContiguousBytes) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of a string's UTF-8 bytes (e.g. a function signature).
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }

    public mutating func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ input: UnsafeRawBufferPointer) {
        guard var base = input.baseAddress else { return }
        var remaining = input.count
        var position = self.position
        defer { self.position = position }
        withUnsafeMutableBytes(of: &state.lanes) { raw in
            let stateBytes = raw.baseAddress!
            let lanes = stateBytes.assumingMemoryBound(to: UInt64.self)
            while remaining > 0 {
                if position == 0 && remaining >= Self.rate {
                    // Whole block straight from the input: 17 little-endian lanes.
                    for i in 0..<(Self.rate / 8) {
                        lanes[i] ^= UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    }
                    Self.permute(lanes)
                    base += Self.rate
                    remaining -= Self.rate
                    continue
                }
                let take = min(remaining, Self.rate - position)
                let bytes = stateBytes.assumingMemoryBound(to: UInt8.self)
                for i in 0..<take {
                    bytes[Self.laneByteIndex(position + i)] ^= base.load(fromByteOffset: i, as: UInt8.self)
                }
                position += take
                base += take
                remaining -= take
                if position == Self.rate {
                    Self.permute(lanes)
                    position = 0
                }
            }
        }
    }

    /// Pads, permutes and returns the 32-byte digest. The hasher should not be used afterwards.
    public mutating func finalize() -> [UInt8] {
        let position = self.position
        return withUnsafeMutableBytes(of: &state.lanes) { raw in
            let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            bytes[Self.laneByteIndex(position)] ^= 0x01
            bytes[Self.laneByteIndex(Self.rate - 1)] ^= 0x80
            Self.permute(raw.baseAddress!.assumingMemoryBound(to: UInt64.self))
            var out = [UInt8](repeating: 0, count: Self.digestByteCount)
            for i in 0..<Self.digestByteCount { out[i] = bytes[Self.laneByteIndex(i)] }
            return out
        }
    }

    /// Lanes are little-endian 64-bit words; on a big-endian host byte i lives elsewhere in memory.
    @inline(__always)
    private static func laneByteIndex(_ i: Int) -> Int {
        #if _endian(big)
        return (i & ~7) | (7 - (i & 7))
        #else
        return i
        #endif
    }

    /// 25 lanes in a tuple, which Swift lays out contiguously, so the permutation can index it.
    struct State {
        var lanes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over lanes a[x + 5y].
    @inline(__always)
    static func permute(_ p: UnsafeMutablePointer<UInt64>) {
        var a0 = p[0]
        var a1 = p[1]
        var a2 = p[2]
        var a3 = p[3]
        var a4 = p[4]
        var a5 = p[5]
        var a6 = p[6]
        var a7 = p[7]
        var a8 = p[8]
        var a9 = p[9]
        var a10 = p[10]
        var a11 = p[11]
        var a12 = p[12]
        var a13 = p[13]
        var a14 = p[14]
        var a15 = p[15]
        var a16 = p[16]
        var a17 = p[17]
        var a18 = p[18]
        var a19 = p[19]
        var a20 = p[20]
        var a21 = p[21]
        var a22 = p[22]
        var a23 = p[23]
        var a24 = p[24]
        for round in 0..<24 {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ c1.rotatedLeft(1)
            let d1 = c0 ^ c2.rotatedLeft(1)
            let d2 = c1 ^ c3.rotatedLeft(1)
            let d3 = c2 ^ c4.rotatedLeft(1)
            let d4 = c3 ^ c0.rotatedLeft(1)
            a0 ^= d0
            a1 ^= d1
            a2 ^= d2
            a3 ^= d3
            a4 ^= d4
            a5 ^= d0
            a6 ^= d1
            a7 ^= d2
            a8 ^= d3
            a9 ^= d4
            a10 ^= d0
            a11 ^= d1
            a12 ^= d2
            a13 ^= d3
            a14 ^= d4
            a15 ^= d0
            a16 ^= d1
            a17 ^= d2
            a18 ^= d3
            a19 ^= d4
            a20 ^= d0
            a21 ^= d1
            a22 ^= d2
            a23 ^= d3
            a24 ^= d4
            let b0 = a0
            let b1 = a6.rotatedLeft(44)
            let b2 = a12.rotatedLeft(43)
            let b3 = a18.rotatedLeft(21)
            let b4 = a24.rotatedLeft(14)
            let b5 = a3.rotatedLeft(28)
            let b6 = a9.rotatedLeft(20)
            let b7 = a10.rotatedLeft(3)
            let b8 = a16.rotatedLeft(45)
            let b9 = a22.rotatedLeft(61)
            let b10 = a1.rotatedLeft(1)
            let b11 = a7.rotatedLeft(6)
            let b12 = a13.rotatedLeft(25)
            let b13 = a19.rotatedLeft(8)
            let b14 = a20.rotatedLeft(18)
            let b15 = a4.rotatedLeft(27)
            let b16 = a5.rotatedLeft(36)
            let b17 = a11.rotatedLeft(10)
            let b18 = a17.rotatedLeft(15)
            let b19 = a23.rotatedLeft(56)
            let b20 = a2.rotatedLeft(62)
            let b21 = a8.rotatedLeft(55)
            let b22 = a14.rotatedLeft(39)
            let b23 = a15.rotatedLeft(41)
            let b24 = a21.rotatedLeft(2)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= Keccak256.roundConstants[round]
        }

        p[0] = a0
        p[1] = a1
        p[2] = a2
        p[3] = a3
        p[4] = a4
        p[5] = a5
        p[6] = a6
        p[7] = a7
        p[8] = a8
        p[9] = a9
        p[10] = a10
        p[11] = a11
        p[12] = a12
        p[13] = a13
        p[14] = a14
        p[15] = a15
        p[16] = a16
        p[17] = a17
        p[18] = a18
        p[19] = a19
        p[20] = a20
        p[21] = a21
        p[22] = a22
        p[23] = a23
        p[24] = a24
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ n: UInt64) -> UInt64 { (self &<< n) | (self &>> (64 &- n)) }
}
