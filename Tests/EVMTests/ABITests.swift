import EVM
import XCTest

/// The examples of the Solidity ABI specification (docs/abi-spec.rst) and chain-facts §0.
final class ABITests: XCTestCase {
    func testSelectors() {
        let selectors: [(String, String)] = [
            ("supply(address,uint256,address,uint16)", "617ba037"), ("withdraw(address,uint256,address)", "69328dec"),
            ("getReserveData(address)", "35ea6a75"), ("balanceOf(address)", "70a08231"),
            ("approve(address,uint256)", "095ea7b3"), ("transfer(address,uint256)", "a9059cbb"),
            ("mint(uint256)", "a0712d68"), ("redeem(uint256,address,address)", "ba087652"),
            ("latestRoundData()", "feaf968c"), ("getL1Fee(bytes)", "49948e0e"),
            ("baz(uint32,bool)", "cdcd77c0"), ("bar(bytes3[2])", "fce353f6"),
            ("sam(bytes,bool,uint256[])", "a5643bf2"), ("f(uint256,uint32[],bytes10,bytes)", "8be65246"),
            ("g(uint256[][],string[])", "2289b18c"),
        ]
        for (signature, selector) in selectors {
            XCTAssertEqual(ABI.selector(signature), hex(selector), signature)
        }
    }

    func testBaz() throws {
        let data = try ABI.encodeCall("baz(uint32,bool)", [.uint(69), .bool(true)])
        XCTAssertEqual(Hex.encode(data), "0xcdcd77c0" + word("45") + word("1"))
        XCTAssertEqual(try ABI.decode([.uint(32), .bool], from: Array(data.dropFirst(4))), [.uint(69), .bool(true)])
    }

    func testBar() throws {
        let values: [ABIValue] = [.fixedArray([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])]
        let data = try ABI.encodeCall("bar(bytes3[2])", values)
        XCTAssertEqual(Hex.encode(data), "0xfce353f6" + "616263" + String(repeating: "0", count: 58) + "646566" + String(repeating: "0", count: 58))
        XCTAssertEqual(try ABI.decode([ABIType("bytes3[2]")], from: Array(data.dropFirst(4))), values)
    }

    func testSam() throws {
        let values: [ABIValue] = [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(1), .uint(2), .uint(3)])]
        let data = try ABI.encodeCall("sam(bytes,bool,uint256[])", values)
        let expected = "0xa5643bf2" + word("60") + word("1") + word("a0") + word("4")
            + "6461766500000000000000000000000000000000000000000000000000000000" + word("3") + word("1") + word("2") + word("3")
        XCTAssertEqual(Hex.encode(data), expected)
        XCTAssertEqual(try ABI.decode([.bytes, .bool, .array(.uint(256))], from: Array(data.dropFirst(4))), values)
    }

    func testF() throws {
        let values: [ABIValue] = [.uint(0x123), .array([.uint(0x456), .uint(0x789)]),
                                  .fixedBytes(Array("1234567890".utf8)), .bytes(Array("Hello, world!".utf8))]
        let data = try ABI.encodeCall("f(uint256,uint32[],bytes10,bytes)", values)
        let expected = "0x8be65246" + word("123") + word("80") + "3132333435363738393000000000000000000000000000000000000000000000"
            + word("e0") + word("2") + word("456") + word("789") + word("d")
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
        XCTAssertEqual(Hex.encode(data), expected)
        XCTAssertEqual(try ABI.decode(ABI.parseSignature("f(uint256,uint32[],bytes10,bytes)").inputs, from: Array(data.dropFirst(4))), values)
    }

    /// g(uint256[][],string[]) with ([[1, 2], [3]], ["one", "two", "three"]): the spec's 20 words.
    func testG() throws {
        let values: [ABIValue] = [.array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
                                  .array([.string("one"), .string("two"), .string("three")])]
        let data = try ABI.encodeCall("g(uint256[][],string[])", values)
        let words = ["40", "140", "2", "40", "a0", "2", "1", "2", "1", "3", "3", "60", "a0", "e0", "3"].map(word)
        let expected = "0x2289b18c" + words.joined()
            + "6f6e650000000000000000000000000000000000000000000000000000000000" + word("3")
            + "74776f0000000000000000000000000000000000000000000000000000000000" + word("5")
            + "7468726565000000000000000000000000000000000000000000000000000000"
        XCTAssertEqual(Hex.encode(data), expected)
        XCTAssertEqual(data.count, 4 + 20 * 32)
        XCTAssertEqual(try ABI.decode([ABIType("uint256[][]"), ABIType("string[]")], from: Array(data.dropFirst(4))), values)
    }

    func testSignedIntegers() throws {
        let data = try ABI.encode([.int(-1), .int(Int256(-128))], as: [.int(256), .int(8)])
        XCTAssertEqual(Hex.encode(data, prefix: false), String(repeating: "f", count: 64) + String(repeating: "f", count: 62) + "80")
        XCTAssertEqual(try ABI.decode([.int(256), .int(8)], from: data), [.int(-1), .int(-128)])
        XCTAssertThrowsError(try ABI.encode([.int(128)], as: [.int(8)]))
        // -1 as int256 is not a valid int8 word? It is: sign-extended. 0x80 without sign extension is not.
        XCTAssertThrowsError(try ABI.decode([.int(8)], from: hex(word("80"))))
        XCTAssertEqual(try Int256(decimal: "-57896044618658097711785492504343953926634992332820282019728792003956564819968").magnitude,
                       UInt256(1) << 255)
    }

    func testStaticTupleInline() throws {
        // A static tuple (like Aave's ReserveDataLegacy) is laid out inline, without an offset.
        let types: [ABIType] = [try ABIType("(uint256,address,bool)"), .uint(8)]
        let values: [ABIValue] = [.tuple([.uint(5), .address(address("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")), .bool(false)]), .uint(7)]
        let data = try ABI.encode(values, as: types)
        XCTAssertEqual(data.count, 4 * 32)
        XCTAssertEqual(try ABI.decode(types, from: data), values)
    }

    func testRejectsDirtyAndShortData() {
        XCTAssertThrowsError(try ABI.decode([.bool], from: hex(word("2"))))
        XCTAssertThrowsError(try ABI.decode([.address], from: hex("01" + String(repeating: "0", count: 62))))
        XCTAssertThrowsError(try ABI.decode([.uint(8)], from: hex(word("100"))))
        XCTAssertThrowsError(try ABI.decode([.fixedBytes(1)], from: hex("0101" + String(repeating: "0", count: 60))))
        XCTAssertThrowsError(try ABI.decode([.uint(256)], from: [UInt8](repeating: 0, count: 31)))
        XCTAssertThrowsError(try ABI.decode([.bytes], from: hex(word("20") + word("40"))), "length past the end")
        XCTAssertThrowsError(try ABI.decode([.bytes], from: hex(word("ffffffffffffffffffff"))), "offset past the end")
        XCTAssertThrowsError(try ABI.decode([.array(.uint(256))], from: hex(word("20") + word("1000000"))), "huge array length")
        XCTAssertThrowsError(try ABI.decode([.string], from: hex(word("20") + word("1") + "ff" + String(repeating: "0", count: 62))))
    }

    func testTypeParser() throws {
        XCTAssertEqual(try ABIType("uint"), .uint(256))
        XCTAssertEqual(try ABIType("(address,uint256)[2][]").canonicalName, "(address,uint256)[2][]")
        XCTAssertEqual(try ABIType("(address,uint256)[2][]"), .array(.fixedArray(.tuple([.address, .uint(256)]), 2)))
        for bad in ["uint7", "uint264", "bytes0", "bytes33", "(uint256", "uint256[", "uint256[0]", "foo", "uint08", ""] {
            XCTAssertThrowsError(try ABIType(bad), bad)
        }
        XCTAssertEqual(try ABI.parseSignature("transfer(address,uint)").canonicalSignature, "transfer(address,uint256)")
    }

    func testDecodeRevert() throws {
        let error = hex("08c379a0") + ABI.encode([.string("Not enough Ether provided.")])
        XCTAssertEqual(ABI.decodeRevert(error), .error("Not enough Ether provided."))
        let panic = hex("4e487b71") + ABI.encode([.uint(0x11)])
        XCTAssertEqual(ABI.decodeRevert(panic), .panic(0x11))
        XCTAssertEqual(ABI.decodeRevert(panic).description, "panicked: arithmetic overflow or underflow (code 0x11)")
        XCTAssertEqual(ABI.decodeRevert([]), .empty)
        let custom = hex("deadbeef") + ABI.encode([.uint(1)])
        XCTAssertEqual(ABI.decodeRevert(custom), .custom(selector: hex("deadbeef"), data: ABI.encode([.uint(1)])))
        // Error(string) with a broken body is reported as custom data, not as a crash or a wrong message.
        XCTAssertEqual(ABI.decodeRevert(hex("08c379a0") + hex(word("ff"))), .custom(selector: hex("08c379a0"), data: hex(word("ff"))))
    }

    private func word(_ hexDigits: String) -> String {
        String(repeating: "0", count: 64 - hexDigits.count) + hexDigits
    }
}
