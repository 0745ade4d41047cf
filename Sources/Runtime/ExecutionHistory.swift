import EVM
import Foundation
import MammonCore
import Store

/// What `mammon history` prints: recent executions with their steps, newest first, each step with
/// its explorer link, and on a shadow run's database the unsigned transaction it would have sent.
public struct ExecutionHistory {
    public var entries: [Entry]
    /// The database's identity when it is a shadow run's (its header line says so).
    public var shadowOf: DatabaseIdentity?

    public static func read(_ store: AppDatabase, limit: Int, network: String) throws -> ExecutionHistory {
        let identity = try store.identity()
        let networkName = identity?.network ?? network
        let shadow = identity?.isShadow == true
        let entries = try store.executions(limit: limit).map { execution in
            let unsigned = shadow ? Dictionary(try store.journal(executionID: execution.id).map { ($0.record.step, $0.rawTransaction) },
                                               uniquingKeysWith: { $1 }) : [:]
            return Entry(execution: execution, steps: try store.steps(executionID: execution.id).map { step in
                Step(record: step, explorerURL: step.txHash.flatMap { Explorer.transactionURL(network: networkName, hash: $0) },
                     wouldSend: shadow ? WouldSend(unsigned: unsigned[step.step] ?? nil) : nil)
            }, shadow: shadow ? true : nil)
        }
        return ExecutionHistory(entries: entries, shadowOf: shadow ? identity : nil)
    }

    public var text: String {
        var lines: [String] = []
        if let identity = shadowOf {
            lines.append("SHADOW RUN of \(identity.wallet) on chain \(identity.chainID): nothing below was signed or sent; gas is what each step would have cost")
        }
        if entries.isEmpty { lines.append("no executions yet") }
        for e in entries {
            let x = e.execution
            lines.append("\(x.startedAt.iso8601)  \(x.id.uuidString.prefix(8))  \(x.recommendation.route)  \(x.recommendation.amount) \(x.recommendation.token)  \(x.status.rawValue)  gas $\(x.gasCostUSD.fixed(4))")
            // An execution's error quotes the node or the contract: printed as one printable line.
            if let error = x.error { lines.append("    error: \(UntrustedText.printable(error))") }
            for step in e.steps {
                let s = step.record
                let mark = switch s.status { case .succeeded: "✓"; case .failed: "✗"; case .skipped: "-"; default: "·" }
                lines.append("    \(mark) \(s.step.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(UntrustedText.printable(s.txHash ?? ""))\(s.gasUsed.map { "  gas \($0)" } ?? "")")
                // How a shadow step was checked against the chain (or why it could not be).
                if shadowOf != nil, s.txHash != nil, let detail = s.detail { lines.append("        \(UntrustedText.printable(detail))") }
                if let wouldSend = step.wouldSend { lines.append("        \(wouldSend.line)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension ExecutionHistory {
    public struct Entry: Encodable {
        public var execution: ExecutionSummary
        public var steps: [Step]
        /// Present (true) on a shadow run's database: nothing in the entry was signed or sent.
        public var shadow: Bool?
    }

    /// A step as recorded, plus where its transaction can be seen (`explorer_url`, on networks with
    /// an explorer).
    public struct Step: Encodable {
        public var record: StepRecord
        public var explorerURL: String?
        /// A shadow run's step: the unsigned transaction it would have sent, for review.
        public var wouldSend: WouldSend?

        enum CodingKeys: String, CodingKey { case explorerURL = "explorer_url", wouldSend = "would_send" }

        public func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(explorerURL, forKey: .explorerURL)
            try c.encodeIfPresent(wouldSend, forKey: .wouldSend)
        }
    }

    /// The fields of a journaled unsigned type-2 transaction (a shadow run never signs).
    public struct WouldSend: Encodable {
        public var chainID: UInt64, nonce: UInt64, to: String, value: String, data: String, gasLimit: UInt64
        public var maxFeePerGas: String, maxPriorityFeePerGas: String

        enum CodingKeys: String, CodingKey {
            case chainID = "chain_id", nonce, to, value, data, gasLimit = "gas_limit", maxFeePerGas = "max_fee_per_gas",
                 maxPriorityFeePerGas = "max_priority_fee_per_gas"
        }

        public init?(unsigned raw: String?) {
            guard let raw, let tx = try? TransactionDecoder.decodeUnsigned(hex: raw) else { return nil }
            self.init(chainID: tx.chainID, nonce: tx.nonce, to: tx.to?.checksummed ?? "", value: tx.value.decimalString,
                      data: EVM.Hex.encode(tx.data), gasLimit: tx.gasLimit, maxFeePerGas: tx.maxFeePerGas.decimalString,
                      maxPriorityFeePerGas: tx.maxPriorityFeePerGas.decimalString)
        }

        public init(chainID: UInt64, nonce: UInt64, to: String, value: String, data: String, gasLimit: UInt64, maxFeePerGas: String,
                    maxPriorityFeePerGas: String) {
            self.chainID = chainID; self.nonce = nonce; self.to = to; self.value = value; self.data = data
            self.gasLimit = gasLimit; self.maxFeePerGas = maxFeePerGas; self.maxPriorityFeePerGas = maxPriorityFeePerGas
        }

        public var line: String { "would send: to \(to), value \(value), nonce \(nonce), gas limit \(gasLimit), max fee \(maxFeePerGas) wei, data \(data)" }
    }
}
