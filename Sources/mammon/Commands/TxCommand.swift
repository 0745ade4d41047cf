import ArgumentParser
import EVM
import Foundation
import Runtime

/// `mammon tx`: offline signing and inspection of raw transactions, for manual recovery.
struct TxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Sign a transaction offline, or decode a raw one.",
        subcommands: [Sign.self, Decode.self])

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Sign an EIP-1559 (--max-fee-per-gas/--max-priority-fee-per-gas) or legacy EIP-155 (--gas-price) transaction.")

        @Option(help: "Keystore holding the signing key.") var keystore: String
        @Option(help: "Password file (mode 600). Default: $MAMMON_PASSWORD_FILE, else ask.") var passwordFile: String?
        @Option(help: "Chain id (Base 8453, Base Sepolia 84532).") var chainId: UInt64
        @Option(help: "Account nonce.") var nonce: UInt64
        @Option(help: "Destination address (EIP-55 checksum checked if mixed case).") var to: String
        @Option(help: "Value in wei (decimal or 0x hex).") var value: String = "0"
        @Option(help: "Calldata as hex.") var data: String = ""
        @Option(help: "Gas limit.") var gas: UInt64
        @Option(help: "EIP-1559 fee cap per gas, in wei.") var maxFeePerGas: String?
        @Option(help: "EIP-1559 priority fee per gas, in wei.") var maxPriorityFeePerGas: String?
        @Option(help: "Legacy gas price in wei (signs an EIP-155 legacy transaction).") var gasPrice: String?
        @Flag(help: "Print {\"raw\", \"hash\", \"from\"} as JSON.") var json = false

        func validate() throws {
            let dynamic = maxFeePerGas != nil || maxPriorityFeePerGas != nil
            if gasPrice != nil && dynamic {
                throw ValidationError("give either --gas-price (legacy) or --max-fee-per-gas with --max-priority-fee-per-gas (EIP-1559), not both")
            }
            if gasPrice == nil && (maxFeePerGas == nil || maxPriorityFeePerGas == nil) {
                throw ValidationError("give --max-fee-per-gas and --max-priority-fee-per-gas (EIP-1559), or --gas-price (legacy)")
            }
        }

        func run() async throws {
            let destination = try Address(hex: to)
            let amount = try Wei.parse(value, option: "--value")
            let calldata = try Hex.decode(data)
            let signer = try KeystoreLoader.signer(keystore: keystore, passwordFile: passwordFile)
            let signed: SignedTransaction
            if let gasPrice {
                signed = try await LegacyTransaction(
                    chainID: chainId, nonce: nonce, gasPrice: Wei.parse(gasPrice, option: "--gas-price"), gasLimit: gas,
                    to: destination, value: amount, data: calldata).sign(with: signer)
            } else {
                let maxFee = try Wei.parse(maxFeePerGas ?? "", option: "--max-fee-per-gas")
                let tip = try Wei.parse(maxPriorityFeePerGas ?? "", option: "--max-priority-fee-per-gas")
                guard tip <= maxFee else { throw ValidationError("--max-priority-fee-per-gas exceeds --max-fee-per-gas") }
                signed = try await EIP1559Transaction(
                    chainID: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas,
                    to: destination, value: amount, data: calldata).sign(with: signer)
            }
            if json {
                try JSONOutput.print(["raw": signed.rawHex, "hash": signed.hashHex, "from": signer.address.checksummed])
            } else {
                print("raw  \(signed.rawHex)\nhash \(signed.hashHex)\nfrom \(signer.address)")
            }
        }
    }

    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode", abstract: "Print the fields, sender and hash of a raw signed transaction (or the fields of a shadow run's unsigned one).")

        @Argument(help: "The raw transaction as hex.") var raw: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let fields: TransactionFields
            if let unsigned = try? TransactionDecoder.decodeUnsigned(hex: raw) {
                fields = TransactionFields(unsigned: unsigned)
            } else {
                fields = TransactionFields(try TransactionDecoder.decode(hex: raw))
            }
            if json {
                try JSONOutput.print(fields.dictionary)
            } else {
                for (key, value) in fields.ordered { print("\(key.padding(toLength: 22, withPad: " ", startingAt: 0))\(value)") }
            }
        }
    }
}
