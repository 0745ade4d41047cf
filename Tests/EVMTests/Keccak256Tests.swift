import EVM
import XCTest

final class Keccak256Tests: XCTestCase {
    func testPublishedVectors() {
        XCTAssertEqual(Keccak256.hash(""), hex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"))
        XCTAssertEqual(Keccak256.hash("abc"), hex("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"))
        XCTAssertEqual(Keccak256.hash("The quick brown fox jumps over the lazy dog"),
                       hex("4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"))
    }

    /// The NIST SHA3-256 digests differ only by the padding byte; getting these means 0x06 padding.
    func testIsNotNISTSHA3() {
        XCTAssertNotEqual(Keccak256.hash(""), hex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"))
        XCTAssertNotEqual(Keccak256.hash("abc"), hex("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"))
    }

    func testRateBoundaries() {
        let vectors: [(Int, String)] = [
            (135, "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446"),
            (136, "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"),
            (137, "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39"),
            (200, "96ea54061def936c4be90b518992fdc6f12f535068a256229aca54267b4d084d"),
        ]
        for (count, digest) in vectors {
            XCTAssertEqual(Keccak256.hash(String(repeating: "a", count: count)), hex(digest), "'a' × \(count)")
        }
    }

    /// Streaming in every chunk size must match one-shot hashing, across several blocks.
    func testStreamingMatchesOneShot() {
        var generator = SeededGenerator(seed: 7)
        let message = generator.bytes(1000)
        let expected = Keccak256.hash(message)
        for chunk in [1, 7, 64, 135, 136, 137, 500] {
            var hasher = Keccak256()
            var offset = 0
            while offset < message.count {
                let end = min(offset + chunk, message.count)
                hasher.update(Array(message[offset..<end]))
                offset = end
            }
            XCTAssertEqual(hasher.finalize(), expected, "chunk size \(chunk)")
        }
    }

    func testDataAndArrayAgree() {
        XCTAssertEqual(Keccak256.hash(Data("abc".utf8)), Keccak256.hash([UInt8]("abc".utf8)))
    }
}
