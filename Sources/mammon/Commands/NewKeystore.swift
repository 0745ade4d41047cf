import ArgumentParser
import EVM
import Foundation
import Runtime

/// Where `wallet new` and `wallet import` write a keystore, and the password that encrypts it.
struct NewKeystore: ParsableArguments {
    @Option(help: "Keystore file to create; never overwritten.")
    var keystore: String

    @Option(help: "File holding the new password (mode 600). Default: $MAMMON_PASSWORD_FILE, else ask twice.")
    var passwordFile: String?

    /// Refuses an existing file before any secret is read or generated.
    func checkFree() throws {
        guard !FileManager.default.fileExists(atPath: keystore) else {
            throw SecretFileError.exists(kind: "keystore", path: keystore)
        }
    }

    /// Reads the new password (file or terminal, asked twice), encrypts `key` and creates the file, mode 600.
    func write(_ key: SecretBytes) throws {
        let password = try PasswordReader.password(file: passwordFile, prompt: "New keystore password: ", confirm: true)
        let json = try Keystore.encrypt(privateKey: key, password: password)
        try SecretFile.create(keystore, contents: json, kind: "keystore")
    }
}
