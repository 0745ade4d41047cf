import EVM
import Foundation

/// What `EthClient.read` answered: each call on its own, in the order asked.
struct ReadAnswers: Sendable {
    var grouped: [Result<[UInt8], LiveChainError>]
    var single: [Result<[UInt8], LiveChainError>]
    var extra: [Result<JSONValue, RPCError>]
}

extension EthClient {
    /// Reads in one HTTP round trip (one JSON-RPC batch; one request each with batching off):
    /// `grouped` as one `eth_call` of Multicall3's `aggregate3` at `multicall`, every call allowed to
    /// fail on its own — or, without a multicall, one `eth_call` each —; `single` as their own
    /// `eth_call`s; `extra` as given.
    ///
    /// Each call answers on its own: its bytes, or why not (a revert decoded, named by its label), so
    /// one failing read is that read's error and never another's. Throws only when the request as a
    /// whole got no answer, or when the multicall itself failed or answered something else than
    /// `aggregate3`'s results.
    func read(grouped: [ContractCall], multicall: Address?, single: [ContractCall] = [],
              extra: [RPCCall] = []) async throws(LiveChainError) -> ReadAnswers {
        let aggregated = multicall != nil && !grouped.isEmpty
        var requests: [RPCCall] = []
        if let multicall, aggregated {
            let calls = grouped.map { Multicall3.Call(target: $0.to, allowFailure: true, callData: $0.data) }
            requests.append(Self.ethCall(ContractCall(to: multicall, data: Multicall3.aggregate3(calls), label: Self.multicallLabel(multicall))))
        } else {
            requests += grouped.map { Self.ethCall($0) }
        }
        requests += single.map { Self.ethCall($0) }
        requests += extra
        guard !requests.isEmpty else { return ReadAnswers(grouped: [], single: [], extra: []) }
        let results = try await send(requests)

        var groupedAnswers: [Result<[UInt8], LiveChainError>]
        var next: Int
        if let multicall, aggregated {
            groupedAnswers = try Self.aggregate3Answers(results[0], calls: grouped, multicall: multicall)
            next = 1
        } else {
            groupedAnswers = zip(grouped, results).map { Self.callData($1, label: $0.label) }
            next = grouped.count
        }
        let singleAnswers = zip(single, results[next...]).map { Self.callData($1, label: $0.label) }
        next += single.count
        return ReadAnswers(grouped: groupedAnswers, single: singleAnswers, extra: Array(results[next...]))
    }

    /// Each call's answer from the `aggregate3` `eth_call`: a call that failed is a revert of that
    /// call (its reason decoded), never empty bytes. The multicall failing as a whole throws.
    static func aggregate3Answers(_ result: Result<JSONValue, RPCError>, calls: [ContractCall],
                                  multicall: Address) throws(LiveChainError) -> [Result<[UInt8], LiveChainError>] {
        let label = multicallLabel(multicall)
        let data = try callData(result, label: label).get()
        let answers: [Multicall3.Answer]
        do { answers = try Multicall3.answers(data, count: calls.count) } catch {
            throw .badResult(call: "\(label) of \(calls.count) reads", detail: "\(error); check the network's \"multicall3\"")
        }
        return zip(calls, answers).map { call, answer in
            answer.success ? .success(answer.returnData)
                : .failure(.reverted(call: call.label, reason: NodeText.cut(ABI.decodeRevert(answer.returnData).description)))
        }
    }

    static func multicallLabel(_ multicall: Address) -> String { "Multicall3 \(multicall.checksummed) aggregate3" }
}
