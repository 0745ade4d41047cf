import EVM
import XCTest

/// The signed-transaction vectors of chain-facts.md §6.
final class TransactionTests: XCTestCase {
    func testEIP155Example() async throws {
        let signer = try Secp256k1Signer(privateKey: secret("4646464646464646464646464646464646464646464646464646464646464646"))
        XCTAssertEqual(signer.address, address("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"))
        let tx = LegacyTransaction(chainID: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21000,
                                   to: address("0x3535353535353535353535353535353535353535"),
                                   value: 1_000_000_000_000_000_000)
        XCTAssertEqual(tx.signingPayload(), hex("ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"))
        XCTAssertEqual(tx.signingHash(), hex("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"))
        let signed = try await tx.sign(with: signer)
        XCTAssertEqual(signed.signature.r, try UInt256(decimal: "18515461264373351373200002665853028612451056578545711640558177340181847433846"))
        XCTAssertEqual(signed.signature.s, try UInt256(decimal: "46948507304638947509940763649030358759909902576025900602547168820602576006531"))
        XCTAssertEqual(tx.v(recoveryID: signed.signature.recoveryID), 37)
        XCTAssertEqual(signed.rawHex, "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
        XCTAssertEqual(try signed.recoverSender(), signer.address)
    }

    func testEthAccountLegacyVectors() async throws {
        let signer = try Secp256k1Signer(privateKey: secret("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
        XCTAssertEqual(signer.address, address("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"))
        let to = address("0xF0109fC8DF283027b6285cc889F5aA624EaC1F55")
        let first = try await LegacyTransaction(chainID: 1, nonce: 0, gasPrice: 234_567_897_654_321, gasLimit: 2_000_000,
                                                to: to, value: 1_000_000_000).sign(with: signer)
        XCTAssertEqual(first.rawHex, "0xf86a8086d55698372431831e848094f0109fc8df283027b6285cc889f5aa624eac1f55843b9aca008025a009ebb6ca057a0535d6186462bc0b465b561c94a295bdb0621fc19208ab149a9ca0440ffd775ce91a833ab410777204d5341a6f9fa91216a6f3ee2c051fea6a0428")
        XCTAssertEqual(first.hashHex, "0xd8f64a42b57be0d565f385378db2f6bf324ce14a594afc05de90436e9ce01f60")
        // r and s of 31 bytes: RLP must drop the leading zero byte (0x9f = 31-byte string).
        let short = try await LegacyTransaction(chainID: 1, nonce: 0, gasPrice: 0, gasLimit: 31853, to: to).sign(with: signer)
        XCTAssertEqual(short.rawHex, "0xf85d8080827c6d94f0109fc8df283027b6285cc889f5aa624eac1f558080269f22f17b38af35286ffbb0c6376c86ec91c20ecbad93f84913a0cc15e7580cd99f83d6e12e82e3544cb4439964d5087da78f74cefeec9a450b16ae179fd8fe20")
        XCTAssertEqual(short.hashHex, "0xb0c5e2c6b29eeb0b9c1d63eaa8b0f93c02ead18ae01cb7fc795b0612d3e9d55a")
        let decoded = try TransactionDecoder.decode(short.raw)
        XCTAssertEqual(decoded, short)
        XCTAssertEqual(try decoded.recoverSender(), signer.address)
    }

    func testEthersEIP1559Vector() async throws {
        let signer = try Secp256k1Signer(privateKey: secret("dde87f54e7dc562364d8559a1777b684a9121d132c4b4237e2534bd5a090166c"))
        XCTAssertEqual(signer.address, address("0x9C69f72Cf49ECE70Dd223e9CFa4745781aac6906"))
        let tx = EIP1559Transaction(chainID: 0xdf, nonce: 613, maxPriorityFeePerGas: 0x45, maxFeePerGas: 0x76cf803ef8c9,
                                    gasLimit: 0x3a, to: address("0x2E806e1F4B2C1Bc500E41b882213648Af39Dd4A2"),
                                    value: 0x45, data: hex("b2f1646d"))
        XCTAssertEqual(tx.signingPayload(), hex("02ea81df820265458676cf803ef8c93a942e806e1f4b2c1bc500e41b882213648af39dd4a24584b2f1646dc0"))
        XCTAssertEqual(tx.signingHash(), hex("f0f2dd964ebfb8139bd9c688698f7f305cb665f362b2a43fe4da8f4ce45d1b1e"))
        let signed = try await tx.sign(with: signer)
        XCTAssertEqual(signed.signature, Signature(
            r: try UInt256(hex: "0633d97e07870e5c1fa9e4f9f8beb169396225d5c691fddcf41ce3a3ea121e1c"),
            s: try UInt256(hex: "057f715c06932e29d5a4d8b70019c974a34d59e44e4ded4df7f5726ec8e87780"), recoveryID: 1))
        XCTAssertEqual(signed.rawHex, "0x02f86d81df820265458676cf803ef8c93a942e806e1f4b2c1bc500e41b882213648af39dd4a24584b2f1646dc001a00633d97e07870e5c1fa9e4f9f8beb169396225d5c691fddcf41ce3a3ea121e1ca0057f715c06932e29d5a4d8b70019c974a34d59e44e4ded4df7f5726ec8e87780")
        XCTAssertEqual(signed.hashHex, "0x0de5ebd499ee58113baf2c23515a6cf65cdef68e7c75ea358f05019c82a1766e")
        XCTAssertEqual(try TransactionDecoder.decode(signed.raw), signed)
    }

    func testBaseApproveVector() async throws {
        let signer = try Secp256k1Signer(privateKey: secret(String(repeating: "46", count: 32)))
        let data = ABI.selector("approve(address,uint256)") + ABI.encode([.address(address("0xA238Dd80C259a72e81d7e4664a9801593F98d1c5")), .uint(1_000_000)])
        let tx = EIP1559Transaction(chainID: 8453, nonce: 0, maxPriorityFeePerGas: 1_000_000, maxFeePerGas: 100_000_000,
                                    gasLimit: 60000, to: address("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"), data: data)
        XCTAssertEqual(tx.signingHash(), hex("14dc468f383bdce19f5a1f95e203c01a6c6c8ac45582ca40eafd0ad6b1551393"))
        let signed = try await tx.sign(with: signer)
        XCTAssertEqual(signed.rawHex, "0x02f8b082210580830f42408405f5e10082ea6094833589fcd6edb6e08f4c7c32d4f71b54bda0291380b844095ea7b3000000000000000000000000a238dd80c259a72e81d7e4664a9801593f98d1c500000000000000000000000000000000000000000000000000000000000f4240c080a0748e39466f12598a7f0550b6fcc52addbe6d53f8cc955606303a05afb2855957a024e52364e3ca15aa231f5ca7461a25891d4243f863ae2d40a04b4404a9f699cb")
        XCTAssertEqual(signed.hashHex, "0xb5b9311e6c8f23264fb1515a3034d8e852ab25adfde51b4a74cdd937b7d9a925")
    }

    /// eth-account's typed-transaction encoding vector: the signature is given, not computed.
    /// The vector's "hash" is eth-account's `TypedTransaction.hash()`, i.e. the signing hash;
    /// keccak(raw) (0x7dbe…, recomputed with eth_utils) is the transaction hash.
    func testEncodingWithGivenSignature() throws {
        let tx = EIP1559Transaction(chainID: 0x539, nonce: 2, maxPriorityFeePerGas: 0x77359400, maxFeePerGas: 0x77359400,
                                    gasLimit: 0x186a0, to: address("0x96216849c49358B10257cb55b28eA603c874b05E"),
                                    value: 0x5af3107a4000, data: hex("5544"))
        let signed = tx.signed(with: Signature(
            r: try UInt256(hex: "c3000cd391f991169ebfd5d3b9e93c89d31a61c998a21b07a11dc6b9d66f8a8e"),
            s: try UInt256(hex: "22cfe8424b2fbd78b16c9911da1be2349027b0a3c40adf4b6459222323773f74"), recoveryID: 1))
        XCTAssertEqual(signed.rawHex, "0x02f8758205390284773594008477359400830186a09496216849c49358b10257cb55b28ea603c874b05e865af3107a4000825544c001a0c3000cd391f991169ebfd5d3b9e93c89d31a61c998a21b07a11dc6b9d66f8a8ea022cfe8424b2fbd78b16c9911da1be2349027b0a3c40adf4b6459222323773f74")
        XCTAssertEqual(Hex.encode(tx.signingHash()), "0xa1ea3121940930f7e7b54506d80717f14c5163807951624c36354202a8bffda6")
        XCTAssertEqual(signed.hashHex, "0x7dbe86a283ef86a08be4c49ff42f8dda6c6a51920120d0485a6bd4a92bbf79cd")
    }

    func testAccessListRoundTrip() async throws {
        let signer = try Secp256k1Signer(privateKey: secret(String(repeating: "11", count: 32)))
        let entry = try AccessListEntry(address: address("0x0000000000000000000000000000000000000001"),
                                        storageKeys: [[1] + [UInt8](repeating: 0, count: 31), [UInt8](repeating: 0xff, count: 32)])
        let tx = EIP1559Transaction(chainID: 8453, nonce: 7, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 100_000,
                                    to: nil, value: .max, data: [UInt8](repeating: 0xab, count: 300), accessList: [entry, entry])
        let signed = try await tx.sign(with: signer)
        let decoded = try TransactionDecoder.decode(signed.raw)
        XCTAssertEqual(decoded.transaction, .eip1559(tx))
        XCTAssertEqual(try decoded.recoverSender(), signer.address)
    }

    func testDecoderRejectsMalformedTransactions() throws {
        XCTAssertThrowsError(try TransactionDecoder.decode([]))
        XCTAssertThrowsError(try TransactionDecoder.decode([0x01, 0xc0])) { error in
            XCTAssertEqual(error as? TransactionError, .unsupportedType(1))
        }
        XCTAssertThrowsError(try TransactionDecoder.decode(hex("02c0")))
        // EIP-155 example with the gas price re-encoded with a leading zero byte: not canonical.
        XCTAssertThrowsError(try TransactionDecoder.decode(hex("f86d09860004a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")))
    }

    func testHighSIsRejectedOnRecovery() throws {
        let raw = hex("f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
        let tx = try TransactionDecoder.decode(raw)
        guard case .legacy(let legacy) = tx.transaction else { return XCTFail("expected legacy") }
        let flipped = Signature(r: tx.signature.r, s: Signature.curveOrder - tx.signature.s, recoveryID: 1 - tx.signature.recoveryID)
        XCTAssertThrowsError(try legacy.signed(with: flipped).recoverSender()) { error in
            XCTAssertEqual(error as? SignatureError, .highS)
        }
    }

    func testLegacySigningNeedsChainID() async throws {
        let signer = try Secp256k1Signer(privateKey: secret(String(repeating: "11", count: 32)))
        let tx = LegacyTransaction(chainID: nil, nonce: 0, gasPrice: 1, gasLimit: 21000, to: nil)
        do {
            _ = try await tx.sign(with: signer)
            XCTFail("signed without a chain id")
        } catch {
            XCTAssertEqual(error as? TransactionError, .missingChainID)
        }
    }

    func testInvalidPrivateKeys() {
        XCTAssertThrowsError(try Secp256k1Signer(privateKey: secret(String(repeating: "00", count: 32))))
        XCTAssertThrowsError(try Secp256k1Signer(privateKey: secret("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")))
        XCTAssertThrowsError(try Secp256k1Signer(privateKey: secret(String(repeating: "11", count: 33))))
    }

    func testSecretsAreRedacted() {
        let key = secret(String(repeating: "46", count: 32))
        XCTAssertEqual("\(key)", "<redacted>")
        XCTAssertEqual(String(reflecting: key), "<redacted>")
        var dumped = ""
        dump(key, to: &dumped)
        XCTAssertFalse(dumped.contains("46"), dumped)
    }
}
