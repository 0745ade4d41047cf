import Chain
import EVM
import Foundation
import MammonCore
import Store

/// What `mammon markets` prints: every market's APY, TVL where known, and the wallet's position in it.
/// Reads only, never signs: a live network is connected watch-only, the simulated one reads its ledger.
public struct MarketListing {
    public var wallet: String
    public var network: String
    public var token: String
    public var lines: [Line]

    public struct Line: Encodable {
        public var `protocol`: String
        public var address: String?
        public var apy: Decimal?
        public var tvlUSD: Decimal?
        public var position: String?
        public var movable: Bool
        public var note: String?

        enum CodingKeys: String, CodingKey { case `protocol`, address, apy, tvlUSD = "tvl_usd", position, movable, note }
    }

    /// Every market on the selected network as the wallet sees it now.
    public static func read(_ network: NetworkSelection, config: MammonConfig) async throws -> MarketListing {
        let token = config.targetToken
        var wallet: String
        var lines: [Line]
        if let live = try network.liveNetwork() {
            // The engine's database, if it has run, holds the vault share prices to measure an APY from.
            let prices = DatabaseSharePrices()
            if FileManager.default.fileExists(atPath: network.databasePath) {
                prices.attach(try AppDatabase.openReadOnly(path: network.databasePath))
            }
            let options = LiveChainOptions(maxFeeGwei: config.maxFeeGwei, sharePriceStore: prices,
                                           ethUSDMin: config.ethUSDMin, ethUSDMax: config.ethUSDMax,
                                           ethUSDMaxChangePercentPerHour: config.ethUSDMaxChangePctPerHour,
                                           sequencerGraceSeconds: UInt64(config.sequencerGraceSeconds))
            let chain = try await LiveChain.connect(network: live, watching: try watchedAddress(live, network: network), options: options)
            wallet = chain.walletAddress
            lines = try await chain.listings(token: token).map {
                Line(protocol: $0.marketID.rawValue, address: $0.address, apy: $0.apy, tvlUSD: $0.tvlUSD,
                     position: $0.position?.exactString, movable: $0.marketID.acceptsSingleAssetDeposits, note: $0.note)
            }
        } else {
            // Read only beside a running engine: the ledger is read, and what the chain stages is never committed.
            let store = FileManager.default.fileExists(atPath: network.databasePath)
                ? try AppDatabase.openReadOnly(path: network.databasePath) : try AppDatabase.inMemory()
            let chain = try EngineSetup.simulatedChain(config: config, store: store, clock: SystemClock())
            wallet = chain.walletAddress
            lines = try await chain.scanMarkets(token: token).map {
                Line(protocol: $0.quote.marketID.rawValue, address: nil, apy: $0.quote.apy, tvlUSD: $0.quote.tvlUSD,
                     position: $0.position.exactString, movable: $0.quote.marketID.acceptsSingleAssetDeposits,
                     note: $0.quote.marketID.notMovableReason.map { "listed only: \($0)" })
            }
        }
        return MarketListing(wallet: wallet, network: network.displayName, token: token.symbol, lines: lines)
    }

    public var text: String {
        var out = ["wallet \(wallet) on \(network), \(token)", "protocol      APY %       TVL USD            position"]
        for l in lines {
            let apy = l.apy.map { $0.fixed(3) } ?? "-"
            let tvl = l.tvlUSD.map { $0.fixed(0) } ?? "-"
            out.append("\(l.protocol.padding(toLength: 13, withPad: " ", startingAt: 0)) \(apy.padding(toLength: 11, withPad: " ", startingAt: 0)) \(tvl.padding(toLength: 18, withPad: " ", startingAt: 0)) \(l.position ?? "-")")
            // Notes can quote the chain (a market's failure): printable, one line.
            if let note = l.note { out.append("    \(UntrustedText.printable(note))") }
        }
        return out.joined(separator: "\n")
    }

    /// The keystore's declared address, without asking for the password; decrypting only when the
    /// file declares none (the key is dropped at once: the chain is connected watch-only).
    private static func watchedAddress(_ live: NetworkConfig, network: NetworkSelection) throws -> Address {
        if let watched = network.watchedAddress { return watched }
        guard let keystore = network.keystore else {
            throw UsageError("network '\(live.name)': pass --keystore FILE (its address is the wallet listed) or --watch ADDRESS")
        }
        if let address = try Keystore.declaredAddress(in: try KeystoreLoader.read(keystore)) { return address }
        return try KeystoreLoader.signer(keystore: keystore, passwordFile: network.passwordFile).address
    }
}
