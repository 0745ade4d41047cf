/// Something that holds a key and signs 32-byte digests with it.
///
/// Transactions are signed through this protocol only, so a remote signer or a hardware wallet can
/// replace the in-process `Secp256k1Signer` without touching callers. `async` because those will
/// wait on I/O; the in-process signer never suspends.
public protocol Signer: Sendable {
    /// The account whose key signs.
    var address: Address { get }

    /// A recoverable ECDSA signature over secp256k1 of `digest` (32 bytes), low-s normalized.
    func sign(digest: [UInt8]) async throws -> Signature
}

/// A recoverable ECDSA signature: `r`, `s` and the recovery id (Ethereum's y parity, 0 or 1).
public struct Signature: Sendable, Hashable {
    public var r: UInt256
    public var s: UInt256
    /// 0 or 1: which of the two candidate public keys signed (EIP-1559's `yParity`).
    public var recoveryID: UInt8

    public init(r: UInt256, s: UInt256, recoveryID: UInt8) {
        self.r = r; self.s = s; self.recoveryID = recoveryID
    }

    /// secp256k1's group order n.
    public static let curveOrder = try! UInt256(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    /// n / 2: signatures with a larger `s` are malleable copies and invalid since Homestead.
    public static let halfCurveOrder = try! UInt256(hex: "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    /// Checks the ranges a transaction signature must satisfy: 0 < r < n, 0 < s ≤ n/2, id 0 or 1.
    public func validateForTransaction() throws {
        guard !r.isZero, r < Self.curveOrder, !s.isZero, s < Self.curveOrder else {
            throw SignatureError.outOfRange
        }
        guard s <= Self.halfCurveOrder else { throw SignatureError.highS }
        guard recoveryID <= 1 else { throw SignatureError.badRecoveryID(Int(recoveryID)) }
    }

    /// 65 bytes r ‖ s ‖ v with v = 27 + recovery id, as `eth_sign` and EIP-191 tools write it.
    public var bytes65: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [27 + recoveryID] }
}

/// Why a signature cannot be made or used.
public enum SignatureError: Error, Equatable, CustomStringConvertible {
    case invalidPrivateKey
    case digestLength(Int)
    case outOfRange
    case highS
    case badRecoveryID(Int)
    case recoveryFailed
    case signingFailed

    public var description: String {
        switch self {
        case .invalidPrivateKey: return "the private key is not a valid secp256k1 key (zero or not below the curve order)"
        case .digestLength(let n): return "a signing digest is 32 bytes, got \(n)"
        case .outOfRange: return "signature r or s is zero or not below the curve order"
        case .highS: return "signature s is in the upper half of the curve order (malleable, rejected since Homestead)"
        case .badRecoveryID(let v): return "signature recovery id/v value \(v) is not valid"
        case .recoveryFailed: return "no public key recovers from this signature"
        case .signingFailed: return "libsecp256k1 failed to sign"
        }
    }
}
