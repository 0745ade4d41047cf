/// Where a network's transactions can be looked at in a browser.
public enum Explorer {
    /// The explorer page of a transaction, or nil for networks without one (simulated, devnet, files).
    public static func transactionURL(network: String, hash: String) -> String? {
        switch network {
        case "base": "https://basescan.org/tx/\(hash)"
        case "base-sepolia": "https://sepolia.basescan.org/tx/\(hash)"
        default: nil
        }
    }
}
