@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// Multicall3's `aggregate3` codec against encodings computed independently (eth-abi 6.0.0, see
/// each vector), how its answers become each call's bytes or error, and the network's `multicall3`.
final class Multicall3Tests: XCTestCase {
    static let wallet = try! Address(hex: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
    static let usdc = try! Address(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
    static let pool = try! Address(hex: "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5")
    static let mToken = try! Address(hex: "0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22")

    /// Four calls: two `allowFailure`, one not, and one with no calldata (bytes of 36, 36, 4 and 0).
    static var vectorCalls: [Multicall3.Call] {
        [Multicall3.Call(target: usdc, allowFailure: true, callData: try! ABI.encodeCall("balanceOf(address)", [.address(wallet)])),
         Multicall3.Call(target: pool, allowFailure: true, callData: try! ABI.encodeCall("getReserveData(address)", [.address(usdc)])),
         Multicall3.Call(target: mToken, allowFailure: false, callData: ABI.selector("supplyRatePerTimestamp()")),
         Multicall3.Call(target: Multicall3.canonicalAddress, allowFailure: true, callData: [])]
    }

    /// eth_abi: `keccak(text="aggregate3((address,bool,bytes)[])")[:4] + eth_abi.encode(["(address,bool,bytes)[]"], [calls])`.
    static let vectorCalldata = """
        82ad56cb\
        0000000000000000000000000000000000000000000000000000000000000020\
        0000000000000000000000000000000000000000000000000000000000000004\
        0000000000000000000000000000000000000000000000000000000000000080\
        0000000000000000000000000000000000000000000000000000000000000140\
        0000000000000000000000000000000000000000000000000000000000000200\
        00000000000000000000000000000000000000000000000000000000000002a0\
        000000000000000000000000833589fcd6edb6e08f4c7c32d4f71b54bda02913\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000060\
        0000000000000000000000000000000000000000000000000000000000000024\
        70a082310000000000000000000000009d8a62f656a8d1615c1294fd71e9cfb3\
        e4855a4f00000000000000000000000000000000000000000000000000000000\
        000000000000000000000000a238dd80c259a72e81d7e4664a9801593f98d1c5\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000060\
        0000000000000000000000000000000000000000000000000000000000000024\
        35ea6a75000000000000000000000000833589fcd6edb6e08f4c7c32d4f71b54\
        bda0291300000000000000000000000000000000000000000000000000000000\
        000000000000000000000000edc817a28e8b93b03976fbd4a3ddbc9f7d176c22\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000060\
        0000000000000000000000000000000000000000000000000000000000000004\
        d3bd2c7200000000000000000000000000000000000000000000000000000000\
        000000000000000000000000ca11bde05977b3631167028862be2a173976ca11\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000060\
        0000000000000000000000000000000000000000000000000000000000000000
        """

    /// eth_abi: `eth_abi.encode(["(bool,bytes)[]"], [[(True, (123456789).to_bytes(32, "big")),
    /// (False, Error("mint is paused")), (True, b""), (True, bytes(range(1, 34)))]])`.
    static let vectorAnswers = """
        0000000000000000000000000000000000000000000000000000000000000020\
        0000000000000000000000000000000000000000000000000000000000000004\
        0000000000000000000000000000000000000000000000000000000000000080\
        0000000000000000000000000000000000000000000000000000000000000100\
        00000000000000000000000000000000000000000000000000000000000001e0\
        0000000000000000000000000000000000000000000000000000000000000240\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000040\
        0000000000000000000000000000000000000000000000000000000000000020\
        00000000000000000000000000000000000000000000000000000000075bcd15\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000040\
        0000000000000000000000000000000000000000000000000000000000000064\
        08c379a000000000000000000000000000000000000000000000000000000000\
        0000002000000000000000000000000000000000000000000000000000000000\
        0000000e6d696e74206973207061757365640000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000040\
        0000000000000000000000000000000000000000000000000000000000000000\
        0000000000000000000000000000000000000000000000000000000000000001\
        0000000000000000000000000000000000000000000000000000000000000040\
        0000000000000000000000000000000000000000000000000000000000000021\
        0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\
        2100000000000000000000000000000000000000000000000000000000000000
        """

    func testAggregate3CalldataIsByteExact() throws {
        XCTAssertEqual(Hex.encode(Multicall3.aggregate3Selector, prefix: false), "82ad56cb")
        XCTAssertEqual(Hex.encode(Multicall3.aggregate3(Self.vectorCalls), prefix: false), Self.vectorCalldata)
        // The vector read back: each call's target, flag and bytes where they were put.
        let decoded = try ABI.decode([.array(.tuple([.address, .bool, .bytes]))], from: Array(try Hex.parseData("0x" + Self.vectorCalldata).dropFirst(4)))
        XCTAssertEqual(decoded.first?.elements?.map { $0.elements?[2].bytesValue }, Self.vectorCalls.map(\.callData))
        XCTAssertEqual(Hex.encode(Multicall3.aggregate3([]), prefix: false), "82ad56cb" + String(repeating: "0", count: 62) + "20" + String(repeating: "0", count: 64))
    }

    func testAggregate3AnswersDecodeExactly() throws {
        let answers = try Multicall3.answers(try Hex.parseData("0x" + Self.vectorAnswers), count: 4)
        XCTAssertEqual(answers.map(\.success), [true, false, true, true])
        XCTAssertEqual(answers[0].returnData, UInt256(123_456_789).bigEndianBytes)
        XCTAssertEqual(ABI.decodeRevert(answers[1].returnData), .error("mint is paused"))
        XCTAssertEqual(answers[2].returnData, [])
        XCTAssertEqual(answers[3].returnData, Array(1...33))
    }

    func testAnAnswerThatIsNotAggregate3sIsRefused() throws {
        let good = try Hex.parseData("0x" + Self.vectorAnswers)
        XCTAssertThrowsError(try Multicall3.answers([], count: 4)) { XCTAssertEqual($0 as? Multicall3Error, .noAnswer) }
        XCTAssertThrowsError(try Multicall3.answers(good, count: 3)) { XCTAssertEqual($0 as? Multicall3Error, .wrongCount(expected: 3, got: 4)) }
        var dirtyBool = good
        dirtyBool[6 * 32 + 31] = 2  // the first answer's success flag
        XCTAssertThrowsError(try Multicall3.answers(dirtyBool, count: 4)) {
            guard case .malformed(let why) = $0 as? Multicall3Error else { return XCTFail("\($0)") }
            XCTAssertTrue(why.contains("not a valid bool"), why)
        }
        var pastTheEnd = good
        pastTheEnd[22 * 32 + 31] = 0xff  // the last answer's length
        XCTAssertThrowsError(try Multicall3.answers(pastTheEnd, count: 4)) {
            guard case .malformed = $0 as? Multicall3Error else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Multicall3.answers(Array(good.prefix(good.count - 64)), count: 4))
    }

    /// A call that failed is that call's revert, with its reason and label; the others keep their bytes.
    func testEachCallAnswersOnItsOwn() throws {
        let labels = ["USDC balanceOf", "Aave getReserveData", "Moonwell supplyRatePerTimestamp", "nothing"]
        let calls = zip(Self.vectorCalls, labels).map { ContractCall(to: $0.target, data: $0.callData, label: $1) }
        let answers = try EthClient.aggregate3Answers(.success(.string(Hex.data(try Hex.parseData("0x" + Self.vectorAnswers)))), calls: calls,
                                                      multicall: Multicall3.canonicalAddress)
        XCTAssertEqual(try answers[0].get(), UInt256(123_456_789).bigEndianBytes)
        guard case .failure(let error) = answers[1] else { return XCTFail("a failed call answered bytes") }
        XCTAssertEqual("\(error)", "Aave getReserveData reverted: mint is paused")
        XCTAssertEqual(try answers[2].get(), [])
        XCTAssertEqual(try answers[3].get(), Array(1...33))

        // The multicall failing as a whole, or answering something else, is one error naming it.
        let reverted = RPCError.executionReverted(RPCContext(url: "", method: "eth_call"), message: "execution reverted", data: nil)
        XCTAssertThrowsError(try EthClient.aggregate3Answers(.failure(reverted), calls: calls, multicall: Multicall3.canonicalAddress)) {
            XCTAssertEqual("\($0)", "Multicall3 0xcA11bde05977b3631167028862bE2a173976CA11 aggregate3 execution reverted")
        }
        XCTAssertThrowsError(try EthClient.aggregate3Answers(.success("0x"), calls: calls, multicall: Multicall3.canonicalAddress)) {
            XCTAssertEqual("\($0)", "Multicall3 0xcA11bde05977b3631167028862bE2a173976CA11 aggregate3 of 4 reads: unexpected result: it answered no data (is Multicall3 deployed at that address?); check the network's \"multicall3\"")
        }
    }

    // MARK: - The network's Multicall3

    func testBuiltInNetworksUseTheCanonicalMulticall3() throws {
        XCTAssertEqual(Multicall3.canonicalAddress.checksummed, "0xcA11bde05977b3631167028862bE2a173976CA11")
        XCTAssertEqual(try NetworkRegistry.builtIn("base").multicall3, Multicall3.canonicalAddress)
        XCTAssertEqual(try NetworkRegistry.builtIn("base-sepolia").multicall3, Multicall3.canonicalAddress)
    }

    func testANetworkFileNamesItsMulticall3OrGoesWithout() throws {
        var file = LiveUnitTests.devnetFile.objectValue!
        XCTAssertNil(try NetworkRegistry.parse(.object(file)).multicall3, "without the key: one eth_call per read")
        file["multicall3"] = "0x6d5a4D246617d711595a1657c55B17B97e20bdda"
        XCTAssertEqual(try NetworkRegistry.parse(.object(file)).multicall3?.checksummed, "0x6d5a4D246617d711595a1657c55B17B97e20bdda")
        file["multicall3"] = "0x6d5a"
        XCTAssertThrowsError(try NetworkRegistry.parse(.object(file), source: "net.json")) {
            XCTAssertTrue("\($0)".hasPrefix("net.json: \"multicall3\" = 0x6d5a: not an address"), "\($0)")
        }
    }

    /// A file on Base's chain id is held to Base's Multicall3, as it is to Base's pins.
    func testAFileOnBasesChainIDGetsTheCanonicalMulticall3AndCannotNameAnother() throws {
        var file = LiveUnitTests.devnetFile.objectValue!
        file["chain_id"] = 8453
        file["rpc_urls"] = ["https://base.example"]
        XCTAssertEqual(try NetworkRegistry.parse(.object(file)).multicall3, Multicall3.canonicalAddress)
        file["multicall3"] = "0xcA11bde05977b3631167028862bE2a173976CA11"
        XCTAssertEqual(try NetworkRegistry.parse(.object(file)).multicall3, Multicall3.canonicalAddress)
        file["multicall3"] = "0x6d5a4D246617d711595a1657c55B17B97e20bdda"
        XCTAssertThrowsError(try NetworkRegistry.parse(.object(file), source: "fork.json")) {
            XCTAssertEqual("\($0)", "fork.json: \"multicall3\" = 0x6d5a4D246617d711595a1657c55B17B97e20bdda: chain 8453 is a built-in network's, whose Multicall3 is 0xcA11bde05977b3631167028862bE2a173976CA11: leave the key out or name that one")
        }
    }
}
