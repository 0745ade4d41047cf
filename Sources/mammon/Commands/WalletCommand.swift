import ArgumentParser
import EVM
import Foundation
import Runtime

/// `mammon wallet`: create, import and inspect keystores. Keys exist on disk only encrypted.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet", abstract: "Create, import and inspect encrypted keystores (v3).",
        subcommands: [New.self, Import.self, AddressOf.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new", abstract: "Generate a key and write it to a new keystore (mode 600).")

        @OptionGroup var target: NewKeystore

        func run() async throws {
            try target.checkFree()
            let (signer, key) = Secp256k1Signer.generate()
            try target.write(key)
            print("created \(target.keystore) for \(signer.address)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Encrypt a raw private key (hex in a mode-600 file) into a new keystore.")

        @Option(help: "File holding the private key as 64 hex digits (mode 600). Delete it afterwards.")
        var privateKeyFile: String

        @OptionGroup var target: NewKeystore

        func run() async throws {
            try target.checkFree()
            let key = try PrivateKeyFile.read(privateKeyFile)
            let signer = try Secp256k1Signer(privateKey: key)
            try target.write(key)
            print("imported \(signer.address) into \(target.keystore)")
        }
    }

    struct AddressOf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "address", abstract: "Print a keystore's address (asks for the password only if the file omits it).")

        @Option(help: "Keystore file.")
        var keystore: String

        @Option(help: "Password file, used only when the keystore has no address field.")
        var passwordFile: String?

        func run() async throws {
            let json = try KeystoreLoader.read(keystore)
            if let address = try Keystore.declaredAddress(in: json) {
                print(address)
                return
            }
            print(try KeystoreLoader.signer(keystore: keystore, passwordFile: passwordFile).address)
        }
    }
}
