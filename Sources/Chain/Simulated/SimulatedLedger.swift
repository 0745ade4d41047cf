import Foundation
import MammonCore

/// Balances of the simulated network, in base units. Every transfer moves value between two
/// accounts, so the total of the token is conserved by construction.
public struct SimulatedLedger: Sendable, Hashable {
    public var wallet: UInt128
    public var deposits: [MarketID: UInt128]
    public var allowances: [MarketID: UInt128]
    /// Wallet ETH in wei, which gas is paid from.
    public var ethWei: UInt128
    public var nonce: UInt64
    public var blockNumber: UInt64
    /// Receipts of mined transactions by hash, kept so a restarted engine can learn a step's fate.
    public var receipts = SimulatedReceipts()
    /// Chain time (unix seconds) of the last block whose interest has been credited; nil until the
    /// chain first looks at the clock (a ledger stored before interest existed).
    public var accruedThrough: Int64?
    /// Interest each market has credited to the wallet's deposits, in base units.
    public var interest: [MarketID: UInt128] = [:]

    /// A new simulated treasury: some idle USDC, a position in Aave V3, a little ETH for gas.
    public static func opening(token: Token) -> SimulatedLedger {
        let unit = UInt128(1) * pow10(token.decimals)
        return SimulatedLedger(wallet: 1_500 * unit, deposits: [.aaveV3: 2_500 * unit], allowances: [:],
                               ethWei: 50_000_000_000_000_000, nonce: 0, blockNumber: 1)
    }

    public var totalToken: UInt128 { wallet + deposits.values.reduce(0, +) }

    /// The ledger as key/value text for persistence.
    public var persisted: [String: String] {
        var out = ["wallet": String(wallet), "eth_wei": String(ethWei), "nonce": String(nonce), "block": String(blockNumber)]
        if let accruedThrough { out["accrued_through"] = String(accruedThrough) }
        for (p, v) in deposits { out["deposit:\(p.rawValue)"] = String(v) }
        for (p, v) in allowances { out["allowance:\(p.rawValue)"] = String(v) }
        for (p, v) in interest { out["interest:\(p.rawValue)"] = String(v) }
        for (hash, json) in receipts.persisted { out["receipt:\(hash)"] = json }
        return out
    }

    public init(wallet: UInt128, deposits: [MarketID: UInt128], allowances: [MarketID: UInt128],
                ethWei: UInt128, nonce: UInt64, blockNumber: UInt64) {
        self.wallet = wallet
        self.deposits = deposits
        self.allowances = allowances
        self.ethWei = ethWei
        self.nonce = nonce
        self.blockNumber = blockNumber
    }

    /// Only the entries that differ from `old`, so a mined transaction writes a handful of rows
    /// rather than every receipt ever kept.
    public func persistedChanges(from old: SimulatedLedger) -> [String: String] {
        var out = ["wallet": String(wallet), "eth_wei": String(ethWei), "nonce": String(nonce), "block": String(blockNumber)]
        if let accruedThrough, accruedThrough != old.accruedThrough { out["accrued_through"] = String(accruedThrough) }
        for (p, v) in deposits where old.deposits[p] != v { out["deposit:\(p.rawValue)"] = String(v) }
        for (p, v) in allowances where old.allowances[p] != v { out["allowance:\(p.rawValue)"] = String(v) }
        for (p, v) in interest where old.interest[p] != v { out["interest:\(p.rawValue)"] = String(v) }
        for (hash, r) in receipts.mined where !old.receipts.contains(hash) { out["receipt:\(hash)"] = SimulatedReceipts.json(r) }
        return out
    }

    /// Restores a persisted ledger; nil when empty, an error when a value is unreadable.
    public init?(persisted: [String: String]) throws {
        guard !persisted.isEmpty else { return nil }
        func int(_ key: String) throws -> UInt128 {
            guard let text = persisted[key], let v = UInt128(text) else { throw SimulatedChainError.corruptLedger(key) }
            return v
        }
        self.init(wallet: try int("wallet"), deposits: [:], allowances: [:], ethWei: try int("eth_wei"),
                  nonce: UInt64(try int("nonce")), blockNumber: UInt64(try int("block")))
        if let text = persisted["accrued_through"] {
            guard let t = Int64(text) else { throw SimulatedChainError.corruptLedger("accrued_through") }
            accruedThrough = t
        }
        for (key, value) in persisted {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "receipt" {
                receipts.restore(hash: parts[1], json: value)  // decoded when looked up
                continue
            }
            guard let p = MarketID(rawValue: parts[1]), let v = UInt128(value) else { throw SimulatedChainError.corruptLedger(key) }
            switch parts[0] {
            case "deposit": deposits[p] = v
            case "allowance": allowances[p] = v
            case "interest": interest[p] = v
            default: break
            }
        }
    }

    static func pow10(_ n: UInt8) -> UInt128 { (0..<n).reduce(UInt128(1)) { r, _ in r * 10 } }
}

public enum SimulatedChainError: Error, CustomStringConvertible, Equatable {
    case corruptLedger(String)
    case insufficientFunds(String)
    case notALendingMarket(String)
    case unknownTransaction(String)
    case injected(String)
    /// A read failure rehearsing a live one: its text, and the alert the live error would raise.
    case injectedRead(String, AlertCode?)

    public var description: String {
        switch self {
        case .corruptLedger(let k): "simulated ledger entry '\(k)' is unreadable"
        case .insufficientFunds(let d): "insufficient funds: \(d)"
        case .notALendingMarket(let d): d
        case .unknownTransaction(let h): "no transaction \(h) was broadcast"
        case .injected(let d), .injectedRead(let d, _): d
        }
    }
}

extension SimulatedChainError: AlertCoded {
    public var alertCode: AlertCode? { if case .injectedRead(_, let code) = self { code } else { nil } }
}
