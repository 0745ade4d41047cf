import EVM
import MammonCore

/// How a planned call leaves the engine: straight from the operator's key (plain mode, where the
/// operator is the treasury), or through a Zodiac Roles module as
/// `execTransactionWithRole(to, 0, data, Call, roleKey, true)`, which the Safe executes only when the
/// role allows it (fenced mode). Nothing else in the chain knows which.
public enum TransactionRoute: Sendable, Hashable {
    case direct
    case roles(module: Address, roleKey: [UInt8])

    /// Gas the Roles module adds to a call (its checks, the Safe's module execution, the allowance
    /// bookkeeping): added to the table's planning figures and to the caps a step is signed under.
    public static let rolesOverheadGas: UInt64 = 150_000

    public var overheadGas: UInt64 {
        switch self {
        case .direct: 0
        case .roles: Self.rolesOverheadGas
        }
    }

    /// The call the operator signs.
    public func wrap(_ call: ContractCall) -> ContractCall {
        switch self {
        case .direct: return call
        case .roles(let module, let key):
            return ContractCall(to: module, "execTransactionWithRole(address,uint256,bytes,uint8,bytes32,bool)",
                                [.address(call.to), .uint(0), .bytes(call.data), .uint(0), .fixedBytes(key), .bool(true)],
                                label: "Roles execTransactionWithRole(\(call.label))")
        }
    }

    /// The call simulated before signing: the same check, and the inner call's return data back
    /// (`execTransactionWithRoleReturnData`), so a market that answers error codes is still read.
    public func simulation(_ call: ContractCall) -> ContractCall {
        switch self {
        case .direct: return call
        case .roles(let module, let key):
            return ContractCall(to: module, "execTransactionWithRoleReturnData(address,uint256,bytes,uint8,bytes32,bool)",
                                [.address(call.to), .uint(0), .bytes(call.data), .uint(0), .fixedBytes(key), .bool(true)],
                                label: "Roles execTransactionWithRoleReturnData(\(call.label))")
        }
    }

    /// The inner call's return data from what `simulation` returned.
    public func innerResult(_ result: [UInt8], of call: ContractCall) throws(LiveChainError) -> [UInt8] {
        guard case .roles = self else { return result }
        guard let values = try? ABI.decode([.bool, .bytes], from: result), let ok = values[0].boolValue, let data = values[1].bytesValue else {
            throw .badResult(call: call.label, detail: "not (bool, bytes): \(result.count) bytes")
        }
        guard ok else { throw .reverted(call: call.label, reason: "the Safe's call failed") }
        return data
    }
}
