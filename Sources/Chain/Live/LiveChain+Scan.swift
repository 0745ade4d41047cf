import EVM
import Foundation
import MammonCore

/// Reads that go in the same request as a scan's market reads: `grouped` into the same
/// `aggregate3` (or plain batch), `single` as their own `eth_call`s, `extra` as given.
struct ScanAlongside: Sendable {
    var grouped: [ContractCall] = []
    var single: [ContractCall] = []
    var extra: [RPCCall] = []
}

/// What `LiveChain.readAll` read: each market's reading or why it could not be read, the block the
/// reads were made at, and the answers to the reads that went along.
struct MarketReads: Sendable {
    var readings: [Result<MarketReading, LiveChainError>]
    var timestamp: UInt64
    var block: UInt64?
    /// The latest block as `eth_getBlockByNumber` answered it.
    var head: JSONValue
    var grouped: [Result<[UInt8], LiveChainError>]
    var single: [Result<[UInt8], LiveChainError>]
    var extra: [Result<JSONValue, RPCError>]
}

extension LiveChain {
    /// Every market, the treasury's idle USDC and the fees in one HTTP round trip: one JSON-RPC batch
    /// holding one `aggregate3` `eth_call` for every market read and the USDC balance (one `eth_call`
    /// each where the network names no Multicall3), the ETH/USD round, sequencer status and L1 fee as
    /// their own `eth_call`s, the latest block, `eth_feeHistory` and `eth_maxPriorityFeePerGas`. A second
    /// round trip only for a market that asks for one (`followUpCalls`); with batching off, one
    /// request per call of that batch.
    public func scan(token: Token) async throws -> ChainScan {
        let fees = feeReads
        let reads = try await readAll(adapters, alongside: ScanAlongside(grouped: [walletBalanceCall], single: fees.calls, extra: fees.extra))
        let markets = try snapshots(reads, token: token)
        let idle = try idleAmount(try reads.grouped[0].get(), token: token)
        var answers: [[UInt8]] = []
        for answer in reads.single { answers.append(try answer.get()) }
        return ChainScan(markets: markets, idle: idle, fee: try fee(answers, head: reads.head, history: reads.extra[0], tip: reads.extra[1]))
    }

    /// The treasury's USDC balance.
    var walletBalanceCall: ContractCall {
        ContractCall(to: network.usdc, "balanceOf(address)", [.address(treasury)], label: "USDC balanceOf")
    }

    /// The idle amount `walletBalanceCall` answered, bounded like every token amount.
    func idleAmount(_ data: [UInt8], token: Token) throws(LiveChainError) -> TokenAmount {
        let units = try NodeBounds.tokenUnits(try UInt256.word(0, of: data, call: "USDC balanceOf"), decimals: token.decimals,
                                              call: "USDC balanceOf")
        return TokenAmount(baseUnits: units, decimals: token.decimals)
    }

    static let latestBlock = RPCCall("eth_getBlockByNumber", ["latest", false])

    /// Each market with its reading, or — when any could not be read — an error naming every such
    /// market and why, and the markets that were read.
    static func everyMarket(_ adapters: [any MarketAdapter], _ readings: [Result<MarketReading, LiveChainError>])
        throws(LiveChainError) -> [(any MarketAdapter, MarketReading)] {
        var read: [(any MarketAdapter, MarketReading)] = [], failures: [MarketReadFailure] = []
        for (a, result) in zip(adapters, readings) {
            switch result {
            case .success(let r): read.append((a, r))
            case .failure(let error): failures.append(MarketReadFailure(market: a.marketID, error: error))
            }
        }
        guard failures.isEmpty else { throw .marketsUnreadable(failures, read: read.map(\.0.marketID)) }
        return read
    }

    /// All the answers, or the first failure among them.
    static func every(_ answers: ArraySlice<Result<[UInt8], LiveChainError>>) -> Result<[[UInt8]], LiveChainError> {
        var out: [[UInt8]] = []
        for answer in answers {
            switch answer {
            case .success(let data): out.append(data)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(out)
    }
}
