import EVM
import XCTest

/// Hex to bytes for vectors; a malformed vector fails the test at its line.
func hex(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    do { return try Hex.decode(text) } catch {
        XCTFail("bad hex in test vector: \(error)", file: file, line: line)
        return []
    }
}

func address(_ text: String) -> Address { try! Address(hex: text) }

func secret(_ hexText: String) -> SecretBytes {
    var bytes = hex(hexText)
    return SecretBytes(consuming: &bytes)
}

/// SplitMix64: a tiny seeded generator so random tests reproduce from the seed they print.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}
