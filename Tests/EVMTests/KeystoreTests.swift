import EVM
import XCTest

/// go-ethereum accounts/keystore/testdata/v3_test_vector.json and the ethereum.org scrypt example.
final class KeystoreTests: XCTestCase {
    private func keystore(iv: String, ciphertext: String, kdf: String, params: String, mac: String, crypto: String = "crypto") -> Data {
        Data("""
        {"\(crypto)": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "\(iv)"}, "ciphertext": "\(ciphertext)",
          "kdf": "\(kdf)", "kdfparams": {\(params)}, "mac": "\(mac)"},
         "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}
        """.utf8)
    }

    private func password(_ text: String) -> SecretBytes {
        var bytes = Array(text.utf8)
        return SecretBytes(consuming: &bytes)
    }

    private func bytes(_ secret: SecretBytes) -> [UInt8] { secret.withUnsafeBytes { Array($0) } }

    private let expectedKey = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"

    private var scryptVector: Data {
        keystore(iv: "83dbcc02d8ccb40e466191a123791e0e",
                 ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c", kdf: "scrypt",
                 params: #""dklen": 32, "n": 262144, "r": 1, "p": 8, "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19""#,
                 mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097")
    }

    /// N = 2^18 with r = 1, p = 8: the parameters BoringSSL and OpenSSL refuse.
    func testGethScryptVectorWithROneP8() throws {
        let key = try Keystore.decrypt(scryptVector, password: password("testpassword"))
        XCTAssertEqual(bytes(key), hex(expectedKey))
        XCTAssertEqual(try Secp256k1Signer(privateKey: key).address, address("0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"))
    }

    func testPBKDF2Vector() throws {
        let json = keystore(iv: "6087dab2f9fdbbfaddc31a909735c1e6",
                            ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46", kdf: "pbkdf2",
                            params: #""c": 262144, "dklen": 32, "prf": "hmac-sha256", "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd""#,
                            mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2", crypto: "Crypto")
        XCTAssertEqual(bytes(try Keystore.decrypt(json, password: password("testpassword"))), hex(expectedKey))
    }

    func testWrongPasswordIsAClearError() {
        XCTAssertThrowsError(try Keystore.decrypt(scryptVector, password: password("testpassword!"))) { error in
            XCTAssertEqual(error as? KeystoreError, .wrongPassword)
            XCTAssertTrue("\(error)".contains("wrong password"))
        }
    }

    /// The scrypt example now on ethereum.org does not verify with its hex-decoded salt (see
    /// chain-facts.md); like eth-account we must reject it rather than return some other key.
    func testBrokenEthereumOrgVectorIsRejected() {
        let json = keystore(iv: "740770fce12ce862af21264dab25f1da",
                            ciphertext: "dd8a1132cf57db67c038c6763afe2cbe6ea1949a86abc5843f8ca656ebbb1ea2", kdf: "scrypt",
                            params: #""dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "25710c2ccd7c610b24d068af83b959b7a0e5f40641f0c82daeb1345766191034""#,
                            mac: "337aeb86505d2d0bb620effe57f18381377d67d76dac1090626aa5cd20886a7c")
        XCTAssertThrowsError(try Keystore.decrypt(json, password: password("testpassword"))) { error in
            XCTAssertEqual(error as? KeystoreError, .wrongPassword)
        }
    }

    /// geth's 31_byte_key: the plaintext is 31 bytes; the signer left-pads it.
    func testShortKeyVector() throws {
        let json = keystore(iv: "e0c41130a323adc1446fc82f724bca2f",
                            ciphertext: "9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984", kdf: "scrypt",
                            params: #""dklen": 32, "n": 2, "r": 8, "p": 1, "salt": "711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63""#,
                            mac: "d5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5")
        let key = try Keystore.decrypt(json, password: password("foo"))
        XCTAssertEqual(bytes(key), hex("fa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35"))
        XCTAssertNoThrow(try Secp256k1Signer(privateKey: key))
    }

    func testEncryptDecryptRoundTripWithStandardParameters() throws {
        let (signer, key) = Secp256k1Signer.generate()
        let json = try Keystore.encrypt(privateKey: key, password: password("correct horse"))
        let text = String(decoding: json, as: UTF8.self)
        XCTAssertTrue(text.contains("\"n\" : 262144") && text.contains("\"r\" : 8") && text.contains("\"p\" : 1"), text)
        XCTAssertFalse(text.contains(Hex.encode(bytes(key), prefix: false)), "plaintext key in the keystore")
        XCTAssertEqual(try Keystore.declaredAddress(in: json), signer.address)
        XCTAssertEqual(bytes(try Keystore.decrypt(json, password: password("correct horse"))), bytes(key))
        XCTAssertThrowsError(try Keystore.decrypt(json, password: password("correct horse ")))
    }

    /// The `address` field is what `wallet address` and `markets` show without the password; a file
    /// edited to declare another account must not unlock as if nothing happened.
    func testAKeystoreDeclaringAnotherAddressIsRefusedNamingBoth() throws {
        let signer = try Secp256k1Signer(privateKey: secret(String(repeating: "46", count: 32)))
        let json = try Keystore.encrypt(privateKey: secret(String(repeating: "46", count: 32)), password: password("pw"),
                                        scrypt: .init(n: 1 << 10, r: 8, p: 1))
        XCTAssertEqual(bytes(try Keystore.decrypt(json, password: password("pw"))), hex(String(repeating: "46", count: 32)))

        let other = address("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["address"] = "833589fcd6edb6e08f4c7c32d4f71b54bda02913"
        let edited = try JSONSerialization.data(withJSONObject: object)
        XCTAssertEqual(try Keystore.declaredAddress(in: edited), other)
        XCTAssertThrowsError(try Keystore.decrypt(edited, password: password("pw"))) { error in
            XCTAssertEqual(error as? KeystoreError, .addressMismatch(declared: other, actual: signer.address))
            XCTAssertTrue("\(error)".contains(other.checksummed) && "\(error)".contains(signer.address.checksummed), "\(error)")
        }

        object["address"] = "not an address"
        XCTAssertThrowsError(try Keystore.decrypt(try JSONSerialization.data(withJSONObject: object), password: password("pw"))) { error in
            guard case .malformed = error as? KeystoreError else { return XCTFail("\(error)") }
        }
        object.removeValue(forKey: "address")
        let anonymous = try JSONSerialization.data(withJSONObject: object)
        XCTAssertEqual(bytes(try Keystore.decrypt(anonymous, password: password("pw"))), hex(String(repeating: "46", count: 32)),
                       "a file without the field (allowed by the format) still opens")
    }

    func testRejectsHostileParameters() {
        let json = keystore(iv: "00", ciphertext: "00", kdf: "scrypt",
                            params: #""dklen": 32, "n": 1073741824, "r": 8, "p": 1, "salt": "00""#, mac: "00")
        XCTAssertThrowsError(try Keystore.decrypt(json, password: password("x"))) { error in
            guard case .unsupportedParameters = error as? KeystoreError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Keystore.decrypt(Data("{}".utf8), password: password("x")))
    }
}
