import Foundation

/// Balances around a move, read at the balance check and again at verification. Stored with the
/// execution, so a restarted engine can still verify a move that began before the crash.
public struct BalanceSnapshot: Codable, Hashable, Sendable, CustomStringConvertible {
    public var wallet: TokenAmount
    public var from: TokenAmount?
    public var to: TokenAmount

    public init(wallet: TokenAmount, from: TokenAmount?, to: TokenAmount) {
        self.wallet = wallet
        self.from = from
        self.to = to
    }

    public var description: String {
        "wallet \(wallet), \(from.map { "source \($0), " } ?? "")target \(to)"
    }
}
