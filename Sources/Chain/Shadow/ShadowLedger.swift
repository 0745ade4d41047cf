import EVM
import Foundation
import MammonCore

/// What a shadow run would hold if its moves had been made: the wallet's idle USDC and, per market,
/// the position in the market's own units (Aave's scaled balance, Moonwell's mTokens, the vault's
/// shares). Interest therefore comes from the markets themselves: a position is worth its units at
/// the market's index of the moment, exactly as the real position would be (`ShadowMarketIndex`).
/// Seeded from the watched address's real holdings at the first start, so until the first move the
/// ledger and the chain agree to the base unit.
public struct ShadowLedger: Sendable, Hashable {
    /// USDC in the wallet, base units.
    public var idle: UInt128
    public var units: [MarketID: UInt256]
    /// What each market may pull (the approvals it would have made).
    public var allowances: [MarketID: UInt128]
    /// The next nonce a would-be transaction takes (at least the address's real pending nonce).
    public var nextNonce: UInt64
    /// The would-be transactions the ledger has applied, by hash: applying one twice changes nothing.
    public var receipts: [String: TransactionReceipt]

    public init(idle: UInt128, units: [MarketID: UInt256], allowances: [MarketID: UInt128] = [:], nextNonce: UInt64 = 0,
                receipts: [String: TransactionReceipt] = [:]) {
        self.idle = idle
        self.units = units
        self.allowances = allowances
        self.nextNonce = nextNonce
        self.receipts = receipts
    }

    // MARK: - Moves

    /// What applying a would-be transaction changed, for its receipt's note.
    public enum LedgerError: Error, Equatable, CustomStringConvertible {
        case insufficient(String)
        case notALendingMarket(String)
        public var description: String {
            switch self {
            case .insufficient(let m): "the shadow ledger cannot apply it: \(m)"
            case .notALendingMarket(let m): m
            }
        }
    }

    /// A withdraw of `amount` (or everything, for a full exit) at `index`: units burned rounding up,
    /// as the markets do, so the ledger never credits more than a real withdrawal would pay.
    public mutating func withdraw(_ market: MarketID, amount: UInt128, fullExit: Bool, index: ShadowMarketIndex) throws(LedgerError) {
        let held = units[market] ?? .zero
        let value = index.value(of: held)
        if fullExit {
            units[market] = .zero
            idle += value
            return
        }
        guard value >= amount else { throw .insufficient("\(market.displayName) holds \(value), withdraw \(amount)") }
        let burned = index.unitsBurned(for: amount)
        units[market] = burned >= held ? .zero : held - burned
        idle += amount
    }

    public mutating func approve(_ market: MarketID, amount: UInt128) { allowances[market] = amount }

    /// A deposit of `amount` at `index`: units minted rounding down.
    public mutating func deposit(_ market: MarketID, amount: UInt128, index: ShadowMarketIndex) throws(LedgerError) {
        guard market.acceptsSingleAssetDeposits else { throw .notALendingMarket(market.notMovableReason ?? "\(market.displayName) takes no deposits") }
        guard idle >= amount else { throw .insufficient("the wallet holds \(idle), deposit \(amount)") }
        let allowed = allowances[market] ?? 0
        guard allowed >= amount else { throw .insufficient("the allowance for \(market.displayName) is \(allowed), deposit \(amount)") }
        allowances[market] = allowed - amount
        idle -= amount
        units[market, default: .zero] += index.unitsMinted(for: amount)
    }

    // MARK: - Persistence (the key-value ledger table, written in the engine's commit)

    static let prefix = "shadow."

    /// Every account as text.
    public var persisted: [String: String] {
        var out: [String: String] = ["\(Self.prefix)idle": String(idle), "\(Self.prefix)nonce": String(nextNonce)]
        for (m, u) in units { out["\(Self.prefix)units.\(m.rawValue)"] = u.decimalString }
        for (m, a) in allowances { out["\(Self.prefix)allowance.\(m.rawValue)"] = String(a) }
        for (hash, r) in receipts { out["\(Self.prefix)receipt.\(hash)"] = (try? JSONLineWriter.encode(r, style: .sorted)) ?? "" }
        return out
    }

    /// Only the accounts that differ from `old` (a receipt, once written, never changes).
    public func persistedChanges(from old: ShadowLedger) -> [String: String] {
        let before = old.persisted
        return persisted.filter { before[$0.key] != $0.value }
    }

    /// The ledger stored in `accounts`, or nil when none is (a new shadow database).
    public init?(persisted accounts: [String: String]) throws {
        guard let idleText = accounts["\(Self.prefix)idle"] else { return nil }
        func fail(_ key: String) -> ShadowLedgerError { .corrupt(key: key, value: accounts[key] ?? "") }
        guard let idle = UInt128(idleText) else { throw fail("\(Self.prefix)idle") }
        guard let nonce = UInt64(accounts["\(Self.prefix)nonce"] ?? "0") else { throw fail("\(Self.prefix)nonce") }
        var units: [MarketID: UInt256] = [:], allowances: [MarketID: UInt128] = [:]
        var receipts: [String: TransactionReceipt] = [:]
        for (key, value) in accounts where key.hasPrefix(Self.prefix) {
            let name = String(key.dropFirst(Self.prefix.count))
            if name.hasPrefix("units."), let m = MarketID(rawValue: String(name.dropFirst(6))) {
                guard let u = UInt256(value) else { throw fail(key) }
                units[m] = u
            } else if name.hasPrefix("allowance."), let m = MarketID(rawValue: String(name.dropFirst(10))) {
                guard let a = UInt128(value) else { throw fail(key) }
                allowances[m] = a
            } else if name.hasPrefix("receipt.") {
                guard let r = try? JSONLineReader.decode(TransactionReceipt.self, from: value, legacyDates: true) else { throw fail(key) }
                receipts[String(name.dropFirst(8))] = r
            }
        }
        self.init(idle: idle, units: units, allowances: allowances, nextNonce: nonce, receipts: receipts)
    }
}

public enum ShadowLedgerError: Error, Equatable, CustomStringConvertible {
    case corrupt(key: String, value: String)
    public var description: String {
        switch self {
        case .corrupt(let key, let value): "the shadow ledger's \(key) holds \(value.prefix(80)), not a number: the database is damaged"
        }
    }
}
