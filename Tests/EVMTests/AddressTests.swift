import EVM
import XCTest

final class AddressTests: XCTestCase {
    /// ERC-55's own test cases: parsing then printing gives them back unchanged.
    func testEIP55Vectors() throws {
        let checksummed = [
            "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ]
        for text in checksummed {
            XCTAssertEqual(try Address(hex: text).checksummed, text)
            XCTAssertEqual(try Address(hex: text.lowercased()).checksummed, text, "lowercase input of \(text)")
        }
    }

    func testRejectsWrongChecksum() {
        // One letter's case flipped in a valid mixed-case address.
        XCTAssertThrowsError(try Address(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")) { error in
            guard case .badChecksum = error as? AddressError else { return XCTFail("\(error)") }
        }
    }

    func testAcceptsAllUppercaseDigits() throws {
        XCTAssertEqual(try Address(hex: "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").checksummed,
                       "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    }

    func testRejectsMalformed() {
        XCTAssertThrowsError(try Address(hex: "0x1234"))
        XCTAssertThrowsError(try Address(hex: "0xzz" + String(repeating: "0", count: 38)))
        XCTAssertThrowsError(try Address(bytes: [UInt8](repeating: 0, count: 19)))
    }

    /// 40 characters that are not 40 hex digits (found by the RPC fuzzer): a second `0x`, or spaces
    /// that Hex.decode trims. They used to parse into a 19-byte Address, and with mixed case its
    /// checksum read past the end and crashed.
    func testFortyCharactersThatAreNotFortyHexDigitsAreRefused() {
        let digits = "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"  // 38 digits, mixed case
        for text in ["0x0x" + digits, " " + digits + " ", "0x 0x" + digits.dropLast(2) + " ", "\t" + digits.lowercased() + "\n"] {
            XCTAssertThrowsError(try Address(hex: text), text) { error in
                XCTAssertEqual(error as? AddressError, .notHex(text))
            }
        }
    }

    func testChainFactsAddressesAreChecksummed() throws {
        for text in ["0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5",
                     "0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22", "0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca"] {
            XCTAssertEqual(try Address(hex: text).description, text)
        }
    }

    func testCodableRoundTrip() throws {
        let a = address("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        let json = try JSONEncoder().encode([a])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[\"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913\"]")
        XCTAssertEqual(try JSONDecoder().decode([Address].self, from: json), [a])
    }
}
