import Chain
import EVM
import Foundation
import MammonCore
import Runtime

/// What one scan — every market, the wallet's idle USDC, the block and the fees: what a cycle reads
/// before it decides — costs on a devnet this suite starts (as `ChainBench` does): HTTP round trips,
/// JSON-RPC calls and ms (median) per scan, for 3 and for 12 markets (the devnet's own five, one of
/// each family, then Moonwell-style markets, Comets and vaults from `devnet_deployMarkets`, each under
/// its own name); every family reads in one round. Each set is read:
///
/// - `one_request`: `LiveChain.scan`, the market reads as one Multicall3 `aggregate3`;
/// - `no_multicall`: the same without Multicall3 (one `eth_call` per read, still one batch);
/// - `unbatched`: with Multicall3 and batching off (a provider that refuses batches);
/// - `before`: `scanMarkets`, `walletBalance` and `feeQuote` one after another without Multicall3,
///   as a cycle read before `scan`.
struct ScanBench: BenchSuite {
    static let name = "scan"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        let candidates = [ProcessInfo.processInfo.environment["MAMMON_TEST_PYTHON"], ".venv/bin/python"].compactMap { $0 }
        let script = ProcessInfo.processInfo.environment["MAMMON_DEVNET_SCRIPT"] ?? "Tests/Devnet/devnet.py"
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              FileManager.default.fileExists(atPath: script) else { return [:] }
        let devnet = try BenchDevnet.start(python: python, script: script, fund: ChainBench.wallet)
        defer { devnet.stop() }
        guard let url = devnet.network["rpc_urls"]?.arrayValue?.first?.stringValue, let devnetMarkets = devnet.network["markets"]?.arrayValue else {
            throw LiveSetupError("the bench devnet's network file has no RPC URL or markets")
        }
        let admin = try JSONRPCClient(urls: [url])
        let more = try await admin.request("devnet_deployMarkets", [.integer(10)]).arrayValue ?? []
        // Every family reads in one round: the devnet's own markets (Aave, Moonwell, the MetaMorpho
        // stand-in, a Comet, a Fluid-style vault), then more of each.
        let all = devnetMarkets + more
        let sets: [(label: String, markets: [JSONValue])] = [("3_markets", Array(all.prefix(3))), ("12_markets", Array(all.prefix(12)))]
        let watched = try Address(hex: ChainBench.wallet)
        let rounds = max(3, Int(10 * scale))
        var figures: [String: BenchFigure] = [:]
        for set in sets {
            guard case .object(var file) = devnet.network else { continue }
            file["markets"] = .array(set.markets)
            let network = try NetworkRegistry.parse(.object(file), source: "devnet")
            figures["\(set.label)_count"] = BenchFigure(Double(network.markets.count), "markets")
            for mode in Mode.allCases {
                var config = network
                if !mode.multicall { config.multicall3 = nil }
                let chain = try await LiveChain.connect(network: config, watching: watched, options: LiveChainOptions(batchRequests: mode.batching))
                _ = try await mode.read(chain)  // warm the connection
                let statsBefore = try await admin.request("devnet_stats")
                let tripsBefore = await chain.client.rpc.roundTrips
                var times: [Double] = []
                for _ in 0..<rounds {
                    let started = ContinuousClock.now
                    _ = try await mode.read(chain)
                    let elapsed = ContinuousClock.now - started
                    times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                }
                let trips = Double(await chain.client.rpc.roundTrips - tripsBefore) / Double(rounds)
                let statsAfter = try await admin.request("devnet_stats")
                // The second devnet_stats is one request of one call, counted by the devnet before it answers.
                let calls = (statsAfter["rpc_calls"]?.intValue ?? 0) - (statsBefore["rpc_calls"]?.intValue ?? 0) - 1
                let key = "\(set.label)_\(mode.rawValue)"
                figures["\(key)_round_trips"] = BenchFigure(trips, "HTTP round trips per scan")
                figures["\(key)_rpc_calls"] = BenchFigure(Double(calls) / Double(rounds), "JSON-RPC calls per scan")
                figures["\(key)_ms"] = BenchFigure(times.sorted()[times.count / 2], "ms per scan (median)")
            }
        }
        return figures
    }

    enum Mode: String, CaseIterable {
        case oneRequest = "one_request", noMulticall = "no_multicall", unbatched, before

        var multicall: Bool { self == .oneRequest || self == .unbatched }
        var batching: Bool { self != .unbatched }

        func read(_ chain: LiveChain) async throws -> ChainScan {
            guard self == .before else { return try await chain.scan(token: .usdc) }
            let markets = try await chain.scanMarkets(token: .usdc)
            let idle = try await chain.walletBalance(token: .usdc)
            return ChainScan(markets: markets, idle: idle, fee: try await chain.feeQuote())
        }
    }
}
