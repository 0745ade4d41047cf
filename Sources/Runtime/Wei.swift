import EVM

/// Wei amounts on the command line: decimal, or hex with 0x.
public enum Wei {
    public static func parse(_ text: String, option: String) throws -> UInt256 {
        do {
            return text.hasPrefix("0x") || text.hasPrefix("0X") ? try UInt256(hex: text) : try UInt256(decimal: text)
        } catch {
            throw UsageError("\(option): \(error)")
        }
    }
}
