import EVM
import Chain
import XCTest

final class HexTests: XCTestCase {
    func testQuantityRoundTrip() throws {
        XCTAssertEqual(Hex.quantity(0), "0x0")
        XCTAssertEqual(Hex.quantity(31337), "0x7a69")
        XCTAssertEqual(Hex.quantity(UInt64.max), "0xffffffffffffffff")
        XCTAssertEqual(try Hex.parseQuantity("0x7a69"), 31337)
        XCTAssertEqual(try Hex.parseQuantity("0X7A69"), 31337)
        XCTAssertEqual(try Hex.parseQuantity("0x0"), 0)
        XCTAssertEqual(try Hex.parseQuantity("0xffffffffffffffff"), UInt64.max)
    }

    func testQuantityRefusesWhatIsNotOne() {
        for bad in ["", "0x", "7a69", "0xg1", "0x10000000000000000", "-0x1", "0x 1"] {
            XCTAssertThrowsError(try Hex.parseQuantity(bad), bad)
        }
    }

    func testLeadingZerosAreToleratedAndNormalized() throws {
        XCTAssertEqual(try Hex.parseQuantity("0x00ff"), 255)
        XCTAssertEqual(try Hex.normalizeQuantity("0x000"), "0x0")
        XCTAssertEqual(try Hex.normalizeQuantity("0x0018D0BF423C03D8DE000000"), "0x18d0bf423c03d8de000000")
    }

    func testBigQuantityFromWord() throws {
        var word = [UInt8](repeating: 0, count: 32)
        XCTAssertEqual(Hex.quantity(fromData: word), "0x0")
        word[31] = 0x01
        word[20] = 0xab
        XCTAssertEqual(Hex.quantity(fromData: word), "0xab0000000000000000000001")
    }

    func testDataRoundTripAndErrors() throws {
        XCTAssertEqual(Hex.data([0x00, 0x0f, 0xff]), "0x000fff")
        XCTAssertEqual(try Hex.parseData("0x000fFF"), [0x00, 0x0f, 0xff])
        XCTAssertEqual(try Hex.parseData("0x"), [])
        XCTAssertThrowsError(try Hex.parseData("0x123"))
        XCTAssertThrowsError(try Hex.parseData("1234"))
        XCTAssertThrowsError(try Hex.parseData("0xzz"))
    }

    func testWordExtraction() throws {
        let data = [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32)
        XCTAssertEqual(Array(try Hex.word(1, of: data)), [UInt8](repeating: 2, count: 32))
        XCTAssertThrowsError(try Hex.word(2, of: data))
    }
}
