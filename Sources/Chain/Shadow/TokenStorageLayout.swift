import EVM
import Foundation

/// Where an ERC-20 keeps its balances and allowances, so an `eth_call` can be given the state that
/// earlier, not-yet-made steps would leave (geth's state override set). Not configured by hand:
/// found by asking the node, with overrides, which slot moves `balanceOf` and `allowance`, and
/// checked by reading the marker back. Solidity hashes a mapping slot as keccak(key ‖ slot)
/// (USDC's FiatToken: balances at 9, allowances at 10), Vyper as keccak(slot ‖ key).
struct TokenStorageLayout: Sendable, Hashable {
    enum Scheme: String, Sendable, Hashable, CaseIterable {
        case solidity, vyper

        func slot(key: [UInt8], base: [UInt8]) -> [UInt8] {
            switch self {
            case .solidity: Keccak256.hash(key + base)
            case .vyper: Keccak256.hash(base + key)
            }
        }
    }

    var scheme: Scheme
    var balanceBase: UInt64
    var allowanceBase: UInt64

    /// Slots probed: the first 24 of each scheme (every common token declares its mappings early).
    static let candidates: [UInt64] = Array(0..<24)
    /// What a probe writes and expects back: not a balance anyone holds by chance.
    static let marker = UInt256(123_456_789_012_345)

    static func word(_ address: Address) -> [UInt8] { [UInt8](repeating: 0, count: 12) + address.bytes }
    static func word(_ n: UInt64) -> [UInt8] { UInt256(n).bigEndianBytes }

    static func balanceSlot(_ owner: Address, base: UInt64, scheme: Scheme) -> [UInt8] {
        scheme.slot(key: word(owner), base: word(base))
    }

    static func allowanceSlot(owner: Address, spender: Address, base: UInt64, scheme: Scheme) -> [UInt8] {
        scheme.slot(key: word(spender), base: scheme.slot(key: word(owner), base: word(base)))
    }

    func balanceSlot(_ owner: Address) -> [UInt8] { Self.balanceSlot(owner, base: balanceBase, scheme: scheme) }
    func allowanceSlot(owner: Address, spender: Address) -> [UInt8] {
        Self.allowanceSlot(owner: owner, spender: spender, base: allowanceBase, scheme: scheme)
    }

    /// The state override set giving `owner` a balance and, optionally, an allowance for `spender`.
    func overrides(token: Address, owner: Address, balance: UInt256, spender: Address? = nil, allowance: UInt256 = .zero) -> JSONValue {
        var diff: [String: JSONValue] = [Hex32.text(balanceSlot(owner)): .string(Hex32.text(balance.bigEndianBytes))]
        if let spender { diff[Hex32.text(allowanceSlot(owner: owner, spender: spender))] = .string(Hex32.text(allowance.bigEndianBytes)) }
        return .object([token.checksummed: .object(["stateDiff": .object(diff)])])
    }
}

/// 32-byte words as JSON-RPC hex.
enum Hex32 {
    static func text(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
}
