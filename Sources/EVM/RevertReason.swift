import MammonCore

/// Why a call reverted, decoded from its return data, in words an operator can act on.
public enum RevertReason: Sendable, Equatable, CustomStringConvertible {
    /// No data: `revert()`, a `require` without a message, out of gas, or an invalid opcode.
    case empty
    /// `Error(string)`, what `require(cond, "message")` produces.
    case error(String)
    /// `Panic(uint256)`, what the compiler inserts for assertion failures, overflow, division by zero.
    case panic(UInt256)
    /// A custom error (or data that did not decode as one of the above).
    case custom(selector: [UInt8], data: [UInt8])

    static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    public var description: String {
        switch self {
        case .empty: return "reverted without a reason"
        case .error(let message): return "reverted: \(UntrustedText.bounded(message))"
        case .panic(let code): return "panicked: \(Self.panicMeaning(code)) (code \(code.hexString))"
        case .custom(let selector, let data):
            if let known = KnownCustomError.describe(selector: selector, arguments: data) { return "reverted: \(known)" }
            return "reverted with custom error \(Hex.encode(selector)) (\(data.count) bytes of arguments)"
        }
    }

    /// Meanings from the Solidity documentation (control-structures, "Panic via assert").
    static func panicMeaning(_ code: UInt256) -> String {
        switch code.uint64Value {
        case 0x00: return "generic compiler panic"
        case 0x01: return "assertion failed"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "invalid enum value"
        case 0x22: return "corrupt storage byte array"
        case 0x31: return "pop on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "out of memory"
        case 0x51: return "call to an uninitialized function"
        default: return "unknown panic"
        }
    }
}

extension ABI {
    /// Decodes revert data; never throws, because the caller is already handling a failure.
    public static func decodeRevert(_ data: [UInt8]) -> RevertReason {
        guard data.count >= 4 else {
            return data.isEmpty ? .empty : .custom(selector: data, data: [])
        }
        let selector = Array(data.prefix(4)), arguments = Array(data.dropFirst(4))
        if selector == RevertReason.errorSelector, let message = try? decode([.string], from: arguments).first?.stringValue {
            return .error(message)
        }
        if selector == RevertReason.panicSelector, let code = try? decode([.uint(256)], from: arguments).first?.uintValue {
            return .panic(code)
        }
        return .custom(selector: selector, data: arguments)
    }
}
