import EVM
import Foundation

/// Opens keystores for the commands that sign.
public enum KeystoreLoader {
    public static func read(_ path: String) throws -> Data {
        try SecretFile.read(path, kind: "keystore").withUnsafeBytes { Data($0) }
    }

    public static func signer(keystore path: String, passwordFile: String?) throws -> Secp256k1Signer {
        let json = try read(path)
        let password = try PasswordReader.password(file: passwordFile, prompt: "Password for \(path): ")
        return try Secp256k1Signer(privateKey: Keystore.decrypt(json, password: password))
    }
}
