import EVM
import XCTest

final class UInt256Tests: XCTestCase {
    let maxDecimal = "115792089237316195423570985008687907853269984665640564039457584007913129639935"

    func testDecimalRoundTripAtTheEdges() throws {
        XCTAssertEqual(try UInt256(decimal: maxDecimal), .max)
        XCTAssertEqual(UInt256.max.decimalString, maxDecimal)
        XCTAssertEqual(UInt256.zero.decimalString, "0")
        XCTAssertEqual(try UInt256(decimal: "18446744073709551616").w1, 1, "2^64")
        XCTAssertEqual(try UInt256(decimal: "1_000_000"), 1_000_000)
        XCTAssertThrowsError(try UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936"))
        XCTAssertThrowsError(try UInt256(decimal: "12a"))
        XCTAssertThrowsError(try UInt256(decimal: "-1"))
        XCTAssertThrowsError(try UInt256(decimal: ""))
    }

    func testRandomDecimalRoundTrips() throws {
        var g = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            let v = UInt256(limbs: g.next(), g.next() >> (g.next() % 64), g.next() & 0xffff, g.next() >> 3)
            XCTAssertEqual(try UInt256(decimal: v.decimalString), v)
            XCTAssertEqual(try UInt256(hex: v.hexString), v)
            XCTAssertEqual(UInt256(bigEndian: v.bigEndianBytes), v)
            XCTAssertEqual(UInt256(bigEndian: v.minimalBigEndianBytes), v)
        }
    }

    func testHex() throws {
        XCTAssertEqual(try UInt256(hex: "0x"), 0)
        XCTAssertEqual(try UInt256(hex: "0xff"), 255)
        XCTAssertEqual(UInt256(255).hexString, "0xff")
        XCTAssertEqual(UInt256(256).hexString, "0x100")
        XCTAssertEqual(try UInt256(hex: "0x" + String(repeating: "f", count: 64)), .max)
        XCTAssertThrowsError(try UInt256(hex: "0x1" + String(repeating: "0", count: 64)))
        XCTAssertEqual(try UInt256(hex: "0x000" + String(repeating: "f", count: 64)), .max)
    }

    func testArithmeticReportsOverflow() {
        XCTAssertTrue(UInt256.max.addingReportingOverflow(1).overflow)
        XCTAssertEqual(UInt256.max &+ 1, .zero)
        XCTAssertTrue(UInt256.zero.subtractingReportingOverflow(1).overflow)
        XCTAssertTrue(UInt256.max.multipliedReportingOverflow(by: 2).overflow)
        XCTAssertFalse((UInt256(1) << 128).multipliedReportingOverflow(by: UInt256(1) << 127).overflow)
        XCTAssertTrue((UInt256(1) << 128).multipliedReportingOverflow(by: UInt256(1) << 128).overflow)
        XCTAssertEqual(UInt256(UInt64.max) * UInt256(UInt64.max), try UInt256(decimal: "340282366920938463426481119284349108225"))
    }

    func testDivision() throws {
        let a = try UInt256(decimal: "340282366920938463463374607431768211457") // 2^128 + 1
        let (q, r) = a.quotientAndRemainder(dividingBy: UInt256(1) << 64)
        XCTAssertEqual(q, UInt256(1) << 64)
        XCTAssertEqual(r, 1)
        XCTAssertEqual(UInt256.max / UInt256.max, 1)
        XCTAssertEqual(UInt256(10) % UInt256(3), 1)
        var g = SeededGenerator(seed: 3)
        for _ in 0..<200 {
            let x = UInt256(limbs: g.next(), g.next(), g.next(), g.next())
            let y = UInt256(limbs: g.next(), g.next() % 5, 0, 0)
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            XCTAssertLessThan(r, y)
            XCTAssertEqual(q * y + r, x)
        }
    }

    func testShifts() {
        XCTAssertEqual((UInt256(1) << 255) >> 255, 1)
        XCTAssertEqual(UInt256(1) << 256, .zero)
        XCTAssertEqual((UInt256(0xabcd) << 70) >> 70, 0xabcd)
    }

    func testTokenUnits() throws {
        XCTAssertEqual(try UInt256(tokenAmount: "1.5", decimals: 6), 1_500_000)
        XCTAssertEqual(try UInt256(tokenAmount: "0.000001", decimals: 6), 1)
        XCTAssertEqual(try UInt256(tokenAmount: "1000", decimals: 6), 1_000_000_000)
        XCTAssertEqual(try UInt256(tokenAmount: ".25", decimals: 2), 25)
        XCTAssertEqual(try UInt256(tokenAmount: "1.50000000", decimals: 6), 1_500_000, "trailing zeros are exact")
        XCTAssertEqual(try UInt256(tokenAmount: "1", decimals: 18), 1_000_000_000_000_000_000)
        XCTAssertThrowsError(try UInt256(tokenAmount: "0.0000001", decimals: 6)) { error in
            XCTAssertEqual(error as? NumberFormatError, .tooManyDecimals("0.0000001", decimals: 6))
        }
        XCTAssertThrowsError(try UInt256(tokenAmount: "1.", decimals: 6))
        XCTAssertThrowsError(try UInt256(tokenAmount: "1.2.3", decimals: 6))
        XCTAssertThrowsError(try UInt256(tokenAmount: "-1", decimals: 6))
        XCTAssertEqual(UInt256(1_500_000).tokenString(decimals: 6), "1.5")
        XCTAssertEqual(UInt256(1).tokenString(decimals: 6), "0.000001")
        XCTAssertEqual(UInt256(2_000_000).tokenString(decimals: 6), "2")
        XCTAssertEqual(UInt256(0).tokenString(decimals: 6), "0")
        XCTAssertEqual(UInt256(42).tokenString(decimals: 0), "42")
    }

    func testCodableAsDecimalString() throws {
        let json = try JSONEncoder().encode([UInt256.max])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[\"\(maxDecimal)\"]")
        XCTAssertEqual(try JSONDecoder().decode([UInt256].self, from: json), [.max])
    }
}
