import EVM
import MammonCore

/// What a market lends or holds must be the network's USDC (`underlying()`, `baseToken()`,
/// `asset()` at connect). Anything else is refused, and said by name: an operator who typed a
/// USDbC vault's address reads "holds USDbC (bridged)", not two hex strings.
enum MarketAsset {
    /// Tokens an operator could take for USDC, by their addresses (bgd-labs/aave-address-book
    /// AaveV3Base: USDbC, Base's bridged USDC).
    static let knownNames: [Address: String] = [
        try! Address(hex: "0xd9aAEc86B65D86f6A7B5B1b0c42FFA531710b6CA"): "USDbC (bridged)",
    ]

    /// Throws `.wrongAsset` unless `asset` is `usdc`. `market` names the market for people
    /// (`vault erc4626:steakhouse-usdc 0x…`), `verb` is what it does with the token ("holds", "lends").
    static func check(_ asset: Address, usdc: Address, market: String, verb: String) throws(LiveChainError) {
        guard asset != usdc else { return }
        throw .wrongAsset(market: market, verb: verb, asset: asset, name: knownNames[asset], usdc: usdc)
    }

    /// The token's `symbol()` answer as a name (quoted, control characters removed, cut short), or
    /// nil when it did not answer a string: only a decoration of a refusal.
    static func symbolName(_ answer: [UInt8]) -> String? {
        guard let decoded = try? ABI.decode([.string], from: answer), let text = decoded.first?.stringValue else { return nil }
        let clean = UntrustedText.printable(String(text.prefix(32)))
        return clean.isEmpty ? nil : "\"\(clean)\""
    }
}
