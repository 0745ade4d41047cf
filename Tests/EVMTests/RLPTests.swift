import EVM
import XCTest

/// ethereum/tests RLPTests/rlptest.json and invalidRLPTest.json.
final class RLPTests: XCTestCase {
    private func s(_ text: String) -> RLPItem { .string(text) }

    private var validVectors: [(String, RLPItem, String)] {
        let asdf: RLPItem = .list([s("asdf"), s("qwer"), s("zxcv")])
        return [
            ("emptystring", s(""), "80"),
            ("bytestring00", .bytes([0]), "00"),
            ("bytestring01", .bytes([1]), "01"),
            ("bytestring7F", .bytes([0x7f]), "7f"),
            ("shortstring", s("dog"), "83646f67"),
            ("shortstring2", s("Lorem ipsum dolor sit amet, consectetur adipisicing eli"),
             "b74c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c69"),
            ("longstring", s("Lorem ipsum dolor sit amet, consectetur adipisicing elit"),
             "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974"),
            ("zero", .uint(UInt256(0)), "80"),
            ("smallint", .uint(UInt256(1)), "01"),
            ("smallint2", .uint(UInt256(16)), "10"),
            ("smallint3", .uint(UInt256(79)), "4f"),
            ("smallint4", .uint(UInt256(127)), "7f"),
            ("mediumint1", .uint(UInt256(128)), "8180"),
            ("mediumint2", .uint(UInt256(1000)), "8203e8"),
            ("mediumint3", .uint(UInt256(100000)), "830186a0"),
            ("mediumint4", .uint(try! UInt256(decimal: "83729609699884896815286331701780722")), "8f102030405060708090a0b0c0d0e0f2"),
            ("mediumint5", .uint(try! UInt256(decimal: "105315505618206987246253880190783558935785933862974822347068935681")),
             "9c0100020003000400050006000700080009000a000b000c000d000e01"),
            ("emptylist", .list([]), "c0"),
            ("stringlist", .list([s("dog"), s("god"), s("cat")]), "cc83646f6783676f6483636174"),
            ("multilist", .list([s("zw"), .list([.uint(UInt256(4))]), .uint(UInt256(1))]), "c6827a77c10401"),
            ("shortListMax1", .list(["asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer"].map(s)),
             "f784617364668471776572847a78637684617364668471776572847a78637684617364668471776572847a78637684617364668471776572"),
            ("longList1", .list([asdf, asdf, asdf, asdf]),
             "f840cf84617364668471776572847a786376cf84617364668471776572847a786376cf84617364668471776572847a786376cf84617364668471776572847a786376"),
            ("longList2", .list(Array(repeating: asdf, count: 32)),
             "f90200" + String(repeating: "cf84617364668471776572847a786376", count: 32)),
            ("listsoflists", .list([.list([.list([]), .list([])]), .list([])]), "c4c2c0c0c0"),
            ("listsoflists2", .list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "c7c0c1c0c3c0c1c0"),
            ("dictTest1", .list([1, 2, 3, 4].map { .list([s("key\($0)"), s("val\($0)")]) }),
             "ecca846b6579318476616c31ca846b6579328476616c32ca846b6579338476616c33ca846b6579348476616c34"),
            // 2^256 does not fit UInt256: the vector is its 33 big-endian bytes.
            ("bigint", .bytes([1] + [UInt8](repeating: 0, count: 32)), "a1010000000000000000000000000000000000000000000000000000000000000000"),
        ]
    }

    func testEncodesEveryValidVector() {
        for (name, item, out) in validVectors {
            XCTAssertEqual(Hex.encode(RLP.encode(item), prefix: false), out, name)
        }
    }

    func testDecodesEveryValidVector() throws {
        for (name, item, out) in validVectors {
            XCTAssertEqual(try RLP.decode(hex(out)), item, name)
        }
    }

    /// longstring2: a 1024-byte string takes a two-byte length (0xb9 0x04 0x00).
    func testTwoByteLength() throws {
        let text = String(repeating: "Lorem ipsum dolor sit amet, ", count: 37).prefix(1024)
        let encoded = RLP.encode(.string(String(text)))
        XCTAssertEqual(Array(encoded.prefix(3)), [0xb9, 0x04, 0x00])
        XCTAssertEqual(encoded.count, 1027)
        XCTAssertEqual(try RLP.decode(encoded), .string(String(text)))
    }

    func testRejectsEveryInvalidVector() {
        let invalid: [(String, String)] = [
            ("int32Overflow", "bf0f000000000000021111"),
            ("int32Overflow2", "ff0f000000000000021111"),
            ("wrongSizeList", "f80180"),
            ("wrongSizeList2", "f80100"),
            ("incorrectLengthInArray", "b9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df0"),
            ("randomRLP", "f861f83eb9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df027b90015002d5ef8325ae4d034df55d4b58d0dfba64d61ddd17be00000b9001a00dae30907045a2f66fa36f2bb8aa9029cbb0b8a7b3b5c435ab331"),
            ("bytesShouldBeSingleByte00", "8100"),
            ("bytesShouldBeSingleByte01", "8101"),
            ("bytesShouldBeSingleByte7F", "817F"),
            ("leadingZerosInLongLengthArray1", "b90040" + (0..<64).map { String(format: "%02x", $0) }.joined()),
            ("leadingZerosInLongLengthArray2", "b800"),
            ("leadingZerosInLongLengthList1", "fb00000040" + (0..<64).map { String(format: "%02x", $0) }.joined()),
            ("leadingZerosInLongLengthList2", "f800"),
            ("nonOptimalLongLengthArray1", "b81000112233445566778899aabbccddeeff"),
            ("nonOptimalLongLengthArray2", "b801ff"),
            ("nonOptimalLongLengthList1", "f810000102030405060708090a0b0c0d0e0f"),
            ("nonOptimalLongLengthList2", "f803112233"),
            // Beyond the published file: the shapes the published cases do not cover.
            ("trailingBytes", "8001"),
            ("listItemOverrunsList", "c28363"),
            ("empty", ""),
        ]
        for (name, bytes) in invalid {
            XCTAssertThrowsError(try RLP.decode(hex(bytes)), name)
        }
    }

    func testNestingIsBounded() {
        // c1 c1 c0: the inner list claims a byte beyond the outer list's end.
        XCTAssertThrowsError(try RLP.decode([0xc1, 0xc1, 0xc0])) { error in
            XCTAssertEqual(error as? RLPError, .listLengthMismatch(offset: 1))
        }
        var nested = RLPItem.list([])
        for _ in 0..<100 { nested = .list([nested]) }
        XCTAssertThrowsError(try RLP.decode(RLP.encode(nested))) { error in
            XCTAssertEqual(error as? RLPError, .tooDeep(limit: RLP.maxDepth))
        }
    }

    func testCanonicalIntegerAccessors() throws {
        XCTAssertThrowsError(try RLPItem.bytes([0, 1]).uint256Value())
        XCTAssertThrowsError(try RLPItem.bytes([UInt8](repeating: 1, count: 33)).uint256Value())
        XCTAssertEqual(try RLPItem.bytes([1, 0]).uint64Value(), 256)
        XCTAssertEqual(try RLPItem.bytes([]).uint64Value(), 0)
    }
}
