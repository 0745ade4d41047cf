import ArgumentParser
import EVM
import Foundation

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
            let key = try Self.parseKey(SecretFile.read(privateKeyFile, kind: "private key file"))
            let signer = try Secp256k1Signer(privateKey: key)
            try target.write(key)
            print("imported \(signer.address) into \(target.keystore)")
        }

        /// 64 hex digits, optional 0x, surrounding whitespace ignored. Errors never echo the content.
        static func parseKey(_ contents: SecretBytes) throws -> SecretBytes {
            try contents.withUnsafeBytes { text in
                var digits = text[...]
                while let c = digits.first, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { digits = digits.dropFirst() }
                while let c = digits.last, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { digits = digits.dropLast() }
                if digits.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "x")]) { digits = digits.dropFirst(2) }
                guard digits.count == 64 else { throw ValidationError("the private key file must hold exactly 64 hex digits") }
                let start = digits.startIndex
                return try SecretBytes(count: 32) { key in
                    for i in 0..<32 {
                        guard let high = nibble(digits[start + 2 * i]), let low = nibble(digits[start + 2 * i + 1]) else {
                            throw ValidationError("the private key file must hold only hex digits")
                        }
                        key[i] = high << 4 | low
                    }
                }
            }
        }

        private static func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
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

/// Opens keystores for the commands that sign.
enum KeystoreLoader {
    static func read(_ path: String) throws -> Data {
        try SecretFile.read(path, kind: "keystore").withUnsafeBytes { Data($0) }
    }

    static func signer(keystore path: String, passwordFile: String?) throws -> Secp256k1Signer {
        let json = try read(path)
        let password = try PasswordReader.password(file: passwordFile, prompt: "Password for \(path): ")
        return try Secp256k1Signer(privateKey: Keystore.decrypt(json, password: password))
    }
}
