internal import CSecp256k1

/// Signs with a private key held in this process, through libsecp256k1's recoverable ECDSA.
///
/// libsecp256k1 derives nonces by RFC 6979 and always returns low-s signatures, which is what
/// Ethereum requires. This is the only file that imports the C library; no C type leaves it.
public final class Secp256k1Signer: Signer {
    public let address: Address
    private let privateKey: SecretBytes
    /// Whether the key's pages are locked in RAM (`mlock`); when not, they may be written to swap.
    public var keyIsLocked: Bool { privateKey.isLocked }

    /// Takes a 32-byte key (shorter keys, which some old keystores hold, are left-padded with zeros).
    public init(privateKey key: SecretBytes) throws {
        guard key.count <= 32 else { throw SignatureError.invalidPrivateKey }
        let padded = SecretBytes(count: 32) { target in
            key.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: target[(32 - source.count)...]).copyMemory(from: source)
            }
        }
        let context = Secp256k1Context.shared.pointer
        let valid = padded.withUnsafeBytes { secp256k1_ec_seckey_verify(context, $0.bindMemory(to: UInt8.self).baseAddress!) }
        guard valid == 1 else { throw SignatureError.invalidPrivateKey }
        var publicKey = secp256k1_pubkey()
        let created = padded.withUnsafeBytes {
            secp256k1_ec_pubkey_create(context, &publicKey, $0.bindMemory(to: UInt8.self).baseAddress!)
        }
        guard created == 1 else { throw SignatureError.invalidPrivateKey }
        self.privateKey = padded
        self.address = try Secp256k1.address(of: &publicKey)
    }

    /// A signer with a fresh random key (rejection-sampled until it is a valid secp256k1 key).
    public static func generate() -> (signer: Secp256k1Signer, privateKey: SecretBytes) {
        while true {
            let key = SecretBytes.random(count: 32)
            if let signer = try? Secp256k1Signer(privateKey: key) { return (signer, key) }
        }
    }

    public func sign(digest: [UInt8]) async throws -> Signature {
        try signSynchronously(digest: digest)
    }

    /// The same signature as `sign(digest:)` without the async hop, for tight loops and benches.
    public func signSynchronously(digest: [UInt8]) throws -> Signature {
        guard digest.count == 32 else { throw SignatureError.digestLength(digest.count) }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = privateKey.withUnsafeBytes { key in
            secp256k1_ecdsa_sign_recoverable(context, &signature, digest, key.bindMemory(to: UInt8.self).baseAddress!, nil, nil)
        }
        guard ok == 1 else { throw SignatureError.signingFailed }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &signature)
        return Signature(r: UInt256(bigEndian: compact[0..<32])!, s: UInt256(bigEndian: compact[32..<64])!,
                         recoveryID: UInt8(recoveryID))
    }
}

/// The name the rest of the system uses for an in-process key.
public typealias PrivateKeySigner = Secp256k1Signer

/// secp256k1 operations that need no private key.
public enum Secp256k1 {
    /// The address whose key made `signature` over `digest`.
    public static func recoverAddress(digest: [UInt8], signature: Signature) throws -> Address {
        guard digest.count == 32 else { throw SignatureError.digestLength(digest.count) }
        guard signature.recoveryID <= 3 else { throw SignatureError.badRecoveryID(Int(signature.recoveryID)) }
        let context = Secp256k1Context.shared.pointer
        let compact = signature.r.bigEndianBytes + signature.s.bigEndianBytes
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &recoverable, compact,
                                                                   Int32(signature.recoveryID)) == 1 else {
            throw SignatureError.outOfRange
        }
        var publicKey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &publicKey, &recoverable, digest) == 1 else {
            throw SignatureError.recoveryFailed
        }
        return try address(of: &publicKey)
    }

    /// Keccak of the 64-byte uncompressed key, last 20 bytes.
    fileprivate static func address(of publicKey: inout secp256k1_pubkey) throws -> Address {
        var serialized = [UInt8](repeating: 0, count: 65)
        var length = 65
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &serialized, &length, &publicKey,
                                      UInt32(SECP256K1_EC_UNCOMPRESSED))
        return try Address(publicKey: Array(serialized[1...]))
    }
}

/// One context for the process. libsecp256k1 contexts are safe to share across threads for every
/// call that takes a `const` context, which is all we use after the one-time randomization.
private final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()
    let pointer: OpaquePointer

    private init() {
        pointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        // Blinding against side channels; a failure only loses the extra protection.
        let seed = SecretBytes.random(count: 32)
        _ = seed.withUnsafeBytes { secp256k1_context_randomize(pointer, $0.bindMemory(to: UInt8.self).baseAddress!) }
    }
}
