// Testable: the typed reads of answers (EthClient's receipt, fee and log decoding, the ABI word
// readers, APY math) are internal to Chain. `make fuzz` builds with -enable-testing for this.
@testable import Chain
import EVM
import Foundation
import FuzzDriver
import MammonCore
#if canImport(Glibc)
import Glibc
#endif

/// Everything a node's answer goes through, on arbitrary bytes: the JSON parser, the JSON-RPC
/// envelope (result, error, batch), and every typed read of a result. A node is untrusted: none
/// of it may crash. Properties checked on what parses: JSON and hex survive serialize → parse.
func fuzzRPC(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    precondition((try? JSONValue.parse(value.serialized)) == value, "parsed JSON does not survive serialize → parse")
    let context = RPCContext(url: "http://127.0.0.1:8545", method: "eth_call")
    // A single answer, and every item of a batch answer.
    for answer in [value] + (value.arrayValue ?? []) {
        let result = Result { () throws(RPCError) -> JSONValue in try JSONRPCClient.result(of: answer, context: context) }
        switch result {
        case .success(let payload): read(payload, depth: 0)
        case .failure(let error):
            _ = error.description
            _ = EthClient.mapCallError(error, label: "fuzz").description
        }
        _ = try? EthClient.value(result)
        if let error = answer["error"] { _ = JSONRPCClient.mapError(error, context: context).description }
    }
    return 0
}

/// Every typed read the live chain makes of a result, on `value` and (shallowly) its members.
private func read(_ value: JSONValue, depth: Int) {
    let context = RPCContext(url: "http://127.0.0.1:8545", method: "eth_call")
    _ = try? JSONRPCClient.quantity(value, context: context)
    _ = try? JSONRPCClient.bigQuantity(value, context: context)
    if let returned = try? JSONRPCClient.data(value, context: context) { readReturnData(returned) }
    // What the live chain computes from a receipt and from fee inputs, as it does.
    if let r = try? EthClient.parseReceipt(value, hash: "0x" + String(repeating: "ab", count: 32)) {
        let receipt = TransactionReceipt(hash: r.hash, succeeded: r.succeeded, blockNumber: r.blockNumber, gasUsed: r.gasUsed,
                                         effectiveGasPriceWei: r.effectiveGasPrice, l1FeeWei: r.l1Fee)
        _ = receipt.feeUSD(ethUSD: 3000)
    }
    if let (baseFee, tip) = try? EthClient.feeInputs(history: value, tip: .success(value)) {
        _ = FeePolicy.gwei(FeePolicy.fees(baseFee: baseFee, tip: tip).maxFeePerGas)
    }
    _ = EthClient.parseLogs(value.arrayValue ?? [])
    readBlockTime(value)
    if let text = value.stringValue { readText(text) }
    guard depth < 2 else { return }
    for member in (value.objectValue.map { Array($0.values) } ?? value.arrayValue ?? []).prefix(16) { read(member, depth: depth + 1) }
}

/// A block's timestamp as the live chain takes it (bounded against the wall clock) and every date
/// written from a node's number, bounded or not: no time may trap the formatting.
private func readBlockTime(_ value: JSONValue) {
    let wall: UInt64 = 1_722_000_000
    if let t = try? LiveChain.timestamp(of: value, wallTime: wall) {
        precondition(t >= LiveChain.earliestBlockTime && t <= wall + LiveChain.maxBlockTimeAheadSeconds, "a block time outside the bounds was accepted")
        let date = Date(timeIntervalSince1970: TimeInterval(t))
        precondition(Date(iso8601: date.iso8601) != nil, "a bounded block time does not survive iso8601 → parse")
    }
    if let text = value["timestamp"]?.stringValue, let raw = try? UInt256(hex: text) {
        let seconds = raw.uint64Value.map { TimeInterval($0) } ?? .infinity
        let date = Date(timeIntervalSince1970: seconds)
        _ = (date.utcDay, date.iso8601, date.sqliteText)
    }
}

private func readText(_ text: String) {
    if let quantity = try? Hex.parseQuantity(text) {
        precondition((try? Hex.parseQuantity(Hex.quantity(quantity))) == quantity, "a quantity does not survive format → parse")
    }
    if let normal = try? Hex.normalizeQuantity(text) {
        precondition((try? Hex.normalizeQuantity(normal)) == normal, "normalizing a quantity is not idempotent")
        _ = try? UInt256(hex: normal)
    }
    if let bytes = try? Hex.parseData(text) {
        precondition((try? Hex.parseData(Hex.data(bytes))) == bytes, "data does not survive format → parse")
    }
    _ = try? UInt256(hex: text)
    _ = try? Address(hex: text)
}

/// `eth_call` return data as the adapters read it: words, addresses, revert data, rates into APYs.
private func readReturnData(_ returned: [UInt8]) {
    _ = ABI.decodeRevert(returned).description
    var words: [UInt256] = []
    for index in 0..<min(4, returned.count / 32 + 1) {
        if let word = try? UInt256.word(index, of: returned, call: "fuzz") { words.append(word) }
        _ = try? UInt256.address(index, of: returned, call: "fuzz")
        _ = try? Hex.word(index, of: returned)
    }
    guard let first = words.first else { return }
    _ = APYMath.aaveSupplyAPY(liquidityRateRay: first)
    _ = APYMath.moonwellSupplyAPY(ratePerSecond: first)
    if words.count >= 3 { _ = APYMath.sharePriceAPY(from: first, to: words[1], seconds: words[2].uint64Value ?? 1) }
    let feed = PriceFeed(address: try! Address(hex: "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"), decimals: 8, maxAgeSeconds: 3600,
                         minUSD: 100, maxUSD: 100_000)
    if let price = try? feed.price(from: returned, blockTime: 1_722_000_000, wallTime: 1_722_000_100) {
        _ = try? feed.checkChange(price, last: PriceFeed.Accepted(price: 3000, at: 1_721_990_000), wallTime: 1_722_000_100,
                                  maxChangePercentPerHour: 10)
        _ = PriceFeed.stored(PriceFeed.Accepted(price: price, at: 1_722_000_100)).map { PriceFeed.accepted(from: [$0]) }
    }
    _ = try? SequencerUptimeFeed(address: try! Address(hex: "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433"), graceSeconds: 3600)
        .check(returned, wallTime: 1_722_000_000)
}

@main
enum FuzzRPCMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRPC(data, size) })
    }
}
