import EVM
import Foundation

/// A Safe{Wallet} Transaction Builder batch file: the owners import it, review each call and sign.
/// Its `meta.checksum` is what the Transaction Builder checks on import: keccak256 of its own
/// serialization of the file (object keys sorted, each object written as its sorted key list then
/// each value followed by a comma; `meta.name` as null; `meta.checksum` absent), reproduced here.
public struct TransactionBuilderBatch: Sendable {
    /// A JSON value as the checksum serialization sees it (JavaScript's `JSON.stringify` per leaf).
    indirect enum Value: Sendable {
        case string(String)
        case number(Int64)
        case bool(Bool)
        case null
        case array([Value])
        case object([(key: String, value: Value)])
    }

    public let json: String
    public let checksum: String

    public init(plan: FencePlan, createdAt: Date, name: String = "Mammon: fence the engine with Zodiac Roles") {
        let transactions = Value.array(plan.calls.map { call in
            .object([("to", .string(call.to.checksummed)), ("value", .string("0")), ("data", .string(Hex.encode(call.data))),
                     ("contractMethod", .null), ("contractInputsValues", .null)])
        })
        let description = "Deploys and enables a Roles module (\(plan.rolesModule.checksummed)) that lets the operator "
            + "\(plan.operatorAddress.checksummed) move USDC only between the allowed markets, recipients pinned to this Safe."
        func meta(name: Value, checksum: String?) -> Value {
            var fields: [(key: String, value: Value)] = [
                ("name", name), ("description", .string(description)), ("txBuilderVersion", .string("1.17.1")),
                ("createdFromSafeAddress", .string(plan.safe.checksummed)), ("createdFromOwnerAddress", .string("")),
            ]
            if let checksum { fields.append(("checksum", .string(checksum))) }
            return .object(fields)
        }
        func file(_ meta: Value) -> Value {
            .object([("version", .string("1.0")), ("chainId", .string(String(plan.chainID))),
                     ("createdAt", .number(Int64((createdAt.timeIntervalSince1970 * 1000).rounded(.down)))),
                     ("meta", meta), ("transactions", transactions)])
        }
        let checksum = Self.checksum(of: file(meta(name: .null, checksum: nil)))
        self.checksum = checksum
        self.json = Self.pretty(file(meta(name: .string(name), checksum: checksum)), indent: 0) + "\n"
    }

    /// keccak256 of the Transaction Builder's serialization (its `lib/checksum.ts`), as 0x-hex.
    static func checksum(of value: Value) -> String { Hex.encode(Keccak256.hash(serialize(value))) }

    static func serialize(_ value: Value) -> String {
        switch value {
        case .array(let items): return "[" + items.map(serialize).joined(separator: ",") + "]"
        case .object(let fields):
            let sorted = fields.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            var out = "{[" + sorted.map { JSONValue.quoted($0.key) }.joined(separator: ",") + "]"
            for field in sorted { out += serialize(field.value) + "," }
            return out + "}"
        default: return leaf(value)
        }
    }

    static func leaf(_ value: Value) -> String {
        switch value {
        case .string(let s): JSONValue.quoted(s)
        case .number(let n): String(n)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array, .object: serialize(value)
        }
    }

    /// The checksum a batch file carries in `meta.checksum`, computed from the file itself (for any file the
    /// Transaction Builder exported: the verification its import runs).
    static func checksum(ofFile json: JSONValue) -> String? {
        guard case .object(var top) = json, case .object(var meta)? = top["meta"] else { return nil }
        meta["checksum"] = nil
        meta["name"] = .null
        top["meta"] = .object(meta)
        func convert(_ v: JSONValue) -> Value? {
            switch v {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .string(let s): return .string(s)
            case .number(let literal): return Int64(literal).map { .number($0) }
            case .array(let items):
                let converted = items.compactMap(convert)
                return converted.count == items.count ? .array(converted) : nil
            case .object(let members):
                var fields: [(key: String, value: Value)] = []
                for (k, m) in members { guard let c = convert(m) else { return nil }; fields.append((k, c)) }
                return .object(fields)
            }
        }
        return convert(.object(top)).map(checksum(of:))
    }

    /// The file as people read it: two-space indentation, keys in the order written.
    static func pretty(_ value: Value, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch value {
        case .array(let items):
            return items.isEmpty ? "[]" : "[\n" + items.map { pad + pretty($0, indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let fields):
            return "{\n" + fields.map { pad + JSONValue.quoted($0.key) + ": " + pretty($0.value, indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)}"
        default: return leaf(value)
        }
    }
}
