import Crypto
import _CryptoExtras
internal import CSodium
import Foundation

/// The key-derivation functions of Web3 Secret Storage.
///
/// scrypt comes from libsodium's low-level `crypto_pwhash_scryptsalsa208sha256_ll`, because
/// BoringSSL (inside swift-crypto) and OpenSSL refuse N = 2^18 with r = 1, p = 8 (RFC 7914's
/// N < 2^(128·r/8) rule), and keystores written by older tools use exactly those parameters.
/// PBKDF2-HMAC-SHA256 comes from swift-crypto. This is the only file importing libsodium.
enum KeystoreKDF {
    /// Parameters are bounded before any work: a hostile keystore must not exhaust memory or time.
    static let maxScryptMemory = 1 << 30
    static let maxPBKDF2Rounds = 10_000_000

    static func scrypt(password: SecretBytes, salt: [UInt8], n: Int, r: Int, p: Int, length: Int) throws -> SecretBytes {
        guard n > 1, n & (n - 1) == 0, r > 0, p > 0, r <= 1024, p <= 1024,
              128 * r <= maxScryptMemory / n, length >= 32, length <= 64 else {
            throw KeystoreError.unsupportedParameters("scrypt n=\(n) r=\(r) p=\(p) dklen=\(length)")
        }
        guard sodiumReady else { throw KeystoreError.kdfFailed("libsodium failed to initialize") }
        return try SecretBytes(count: length) { out in
            let status = password.withUnsafeBytes { pw in
                withNonNullBase(pw) { pwBase in
                    crypto_pwhash_scryptsalsa208sha256_ll(
                        pwBase, pw.count, salt, salt.count, UInt64(n), UInt32(r), UInt32(p),
                        out.bindMemory(to: UInt8.self).baseAddress!, out.count)
                }
            }
            guard status == 0 else { throw KeystoreError.kdfFailed("scrypt n=\(n) r=\(r) p=\(p) (out of memory?)") }
        }
    }

    static func pbkdf2SHA256(password: SecretBytes, salt: [UInt8], rounds: Int, length: Int) throws -> SecretBytes {
        guard rounds > 0, rounds <= maxPBKDF2Rounds, length >= 32, length <= 64 else {
            throw KeystoreError.unsupportedParameters("pbkdf2 c=\(rounds) dklen=\(length)")
        }
        let key = try password.withUnsafeBytes { pw in
            try KDF.Insecure.PBKDF2.deriveKey(from: pw, salt: salt, using: .sha256, outputByteCount: length,
                                              unsafeUncheckedRounds: rounds)
        }
        return key.withUnsafeBytes { derived in
            SecretBytes(count: derived.count) { $0.copyMemory(from: derived) }
        }
    }

    /// AES-128-CTR with a 16-byte IV that is the whole initial counter block.
    static func aes128CTR(key: SecretBytes, iv: [UInt8], _ input: [UInt8]) throws -> [UInt8] {
        guard iv.count == 16 else { throw KeystoreError.malformed("cipherparams.iv must be 16 bytes, got \(iv.count)") }
        let symmetricKey = key.withUnsafeBytes { SymmetricKey(data: $0.prefix(16)) }
        var output = try AES._CTR.encrypt(input, using: symmetricKey, nonce: AES._CTR.Nonce(nonceBytes: iv))
        defer { output.resetBytes(in: 0..<output.count) }
        return Array(output)
    }

    /// An empty password has no base address, but C still wants a valid pointer.
    private static func withNonNullBase<R>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if let base = buffer.baseAddress { return body(base.assumingMemoryBound(to: UInt8.self)) }
        return withUnsafePointer(to: UInt8(0)) { body($0) }
    }

    private static let sodiumReady: Bool = sodium_init() >= 0
}
