import EVM

/// Multicall3 (mds1/multicall3): many calls in one `eth_call`. Only `aggregate3` is used — each
/// call says whether it may fail, and each answers with its own success flag and bytes — so a
/// market whose read reverts is that market's error while every other market still answers.
public enum Multicall3 {
    /// Its address on Base, Base Sepolia and most EVM chains (an OP-stack preinstall; deployed on
    /// Base by the keyless transaction 0x07471adf…4ed1 that Tests/Devnet/fixtures/multicall3 keeps).
    public static let canonicalAddress = try! Address(hex: "0xcA11bde05977b3631167028862bE2a173976CA11")

    static let aggregate3Signature = "aggregate3((address,bool,bytes)[])"
    /// `0x82ad56cb`.
    public static let aggregate3Selector = ABI.selector(aggregate3Signature)

    /// One call of an `aggregate3`.
    public struct Call: Sendable, Hashable {
        public var target: Address
        /// false: the whole `aggregate3` reverts when this call does.
        public var allowFailure: Bool
        public var callData: [UInt8]

        public init(target: Address, allowFailure: Bool, callData: [UInt8]) {
            self.target = target
            self.allowFailure = allowFailure
            self.callData = callData
        }
    }

    /// What one call answered: its return data, or its revert data when `success` is false.
    public struct Answer: Sendable, Hashable {
        public var success: Bool
        public var returnData: [UInt8]

        public init(success: Bool, returnData: [UInt8]) {
            self.success = success
            self.returnData = returnData
        }
    }

    /// Calldata of `aggregate3(calls)`.
    public static func aggregate3(_ calls: [Call]) -> [UInt8] {
        let tuples = calls.map { ABIValue.tuple([.address($0.target), .bool($0.allowFailure), .bytes($0.callData)]) }
        return try! ABI.encodeCall(aggregate3Signature, [.array(tuples)])
    }

    /// The `(bool success, bytes returnData)[]` that `aggregate3` of `count` calls returned. Anything
    /// else — another count, a bool that is not 0 or 1, an offset or length outside the data — throws.
    public static func answers(_ data: [UInt8], count: Int) throws(Multicall3Error) -> [Answer] {
        guard !data.isEmpty else { throw .noAnswer }
        let decoded: [ABIValue]
        do { decoded = try ABI.decode([.array(.tuple([.bool, .bytes]))], from: data) } catch {
            throw .malformed("\(error)")
        }
        guard let items = decoded.first?.elements, items.count == count else {
            throw .wrongCount(expected: count, got: decoded.first?.elements?.count ?? 0)
        }
        var out: [Answer] = []
        out.reserveCapacity(count)
        for item in items {
            guard let fields = item.elements, fields.count == 2, let success = fields[0].boolValue, let bytes = fields[1].bytesValue else {
                throw .malformed("an answer is not (bool, bytes)")
            }
            out.append(Answer(success: success, returnData: bytes))
        }
        return out
    }
}

/// Why an `aggregate3` answer cannot be used.
public enum Multicall3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// No bytes at all: what an `eth_call` to an address without code answers.
    case noAnswer
    case wrongCount(expected: Int, got: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .noAnswer: "it answered no data (is Multicall3 deployed at that address?)"
        case .wrongCount(let expected, let got): "it answered \(got) results for \(expected) calls"
        case .malformed(let why): "its answer is not aggregate3's (bool, bytes)[]: \(why)"
        }
    }
}
