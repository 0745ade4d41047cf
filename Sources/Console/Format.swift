import Foundation
import MammonCore

/// How numbers, times and verdicts read on screen. Fixed formats (not the locale's) so screens are
/// the same everywhere and snapshot tests are stable.
public enum Format {
    /// "$1,234.56"; negative "-$3.10".
    public static func usd(_ value: Decimal, digits: Int = 2) -> String {
        let text = (value < 0 ? -value : value).fixed(digits)
        return (value < 0 ? "-$" : "$") + grouped(text)
    }

    /// "+$12.90", "-$0.0042": a gain or loss, four digits under a dollar so small earnings show.
    public static func earned(_ value: Decimal) -> String {
        let digits = abs(value) < 1 ? 4 : 2
        return (value > 0 ? "+" : "") + usd(value, digits: digits)
    }

    /// Exact base units of a signed amount in USD at par (stablecoins): "+$0.4712".
    public static func earned(units: Int128, decimals: UInt8) -> String {
        earned(units.decimalValue.shifted(by: -Int(decimals)))
    }

    /// "$50" for whole amounts, else two digits.
    public static func usdShort(_ value: Decimal) -> String {
        value == value.rounded(0) ? usd(value, digits: 0) : usd(value)
    }

    /// "1,000.00" with two decimals, for amounts of a stablecoin.
    public static func amount(_ value: TokenAmount) -> String { grouped(value.decimalValue.fixed(2)) }

    /// "4.12%".
    public static func apy(_ value: Decimal) -> String { value.fixed(2) + "%" }

    /// "+1.25" percentage points.
    public static func points(_ value: Decimal) -> String { (value >= 0 ? "+" : "") + value.fixed(2) }

    static func grouped(_ text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var out = ""
        while whole.count > 3 {
            out = "," + whole.suffix(3) + out
            whole = String(whole.dropLast(3))
        }
        return whole + out + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// "42s", "3m05s", "4h12m", "2d03h"; negative durations read as 0s.
    public static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(pad(s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h\(pad(s / 60 % 60))m" }
        return "\(s / 86_400)d\(pad(s / 3600 % 24))h"
    }

    /// "1.2s" or "340ms".
    public static func millis(_ ms: Int) -> String {
        ms < 1000 ? "\(ms)ms" : "\(ms / 1000).\(ms % 1000 / 100)s"
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// "08:44:21" in UTC.
    public static func clock(_ date: Date) -> String {
        let iso = date.iso8601
        let t = iso.firstIndex(of: "T")!
        return String(iso[iso.index(after: t)...].prefix(8))
    }

    /// "0x1234…abcd".
    public static func shortAddress(_ address: String) -> String {
        address.count > 12 ? "\(address.prefix(6))…\(address.suffix(4))" : address
    }

    /// "0x12ab…9f3e" for a transaction hash.
    public static func shortHash(_ hash: String) -> String {
        hash.count > 14 ? "\(hash.prefix(6))…\(hash.suffix(4))" : hash
    }

    /// "182,311".
    public static func gas(_ units: UInt64) -> String { grouped(String(units)) }

    /// The verdict column: what happened to an opportunity, naming the failing gate.
    public static func verdict(_ v: OpportunityRow.Verdict, now: Date) -> String {
        switch v {
        case .analysing: "analysing…"
        case .passed: "✓ passed"
        case .rejected(let gate, _): "✗ \(gate)"
        case .awaitingApproval(let expiresAt): "● approve? \(duration(expiresAt.timeIntervalSince(now)))"
        case .approved: "✓ approved"
        case .resolved(let outcome, _):
            switch outcome {
            case .pending: "● pending"
            case .approved: "✓ approved"
            case .declined: "declined"
            case .expired: "expired"
            case .cancelled: "cancelled"
            case .rejectedOnRecheck: "✗ re-check"
            }
        case .executing: "◐ executing"
        case .executed: "✓ executed"
        case .failed: "✗ failed"
        }
    }

    public static func stepSymbol(_ status: StepStatus) -> String {
        switch status {
        case .pending: "○"
        case .running: "◐"
        case .succeeded: "✓"
        case .failed: "✗"
        case .skipped: "-"
        }
    }

    public static func stepName(_ step: ExecutionStep) -> String {
        switch step {
        case .validation: "validation"
        case .balanceCheck: "balance check"
        case .withdraw: "withdraw"
        case .approve: "approve"
        case .deposit: "deposit"
        case .verification: "verification"
        }
    }
}
