import Foundation

/// Web3 Secret Storage (keystore v3): a private key encrypted under a password.
///
/// DK = KDF(password); MAC = keccak256(DK[16..<32] ‖ ciphertext); key = AES-128-CTR(DK[0..<16], iv).
/// Decryption checks the MAC before decrypting, so a wrong password is reported as such instead of
/// producing a wrong key. New keystores use scrypt with N = 2^18, r = 8, p = 1 (geth's standard).
public enum Keystore {
    public struct ScryptParameters: Sendable, Equatable {
        public var n: Int, r: Int, p: Int
        public init(n: Int, r: Int, p: Int) { self.n = n; self.r = r; self.p = p }
        /// geth's `StandardScryptN`/`StandardScryptP`: ~256 MiB and about a second per unlock.
        public static let standard = ScryptParameters(n: 1 << 18, r: 8, p: 1)
    }

    /// The private key inside `json`, or `KeystoreError.wrongPassword`. When the file declares an
    /// address, the key must be that address's: an edited field would otherwise show one account
    /// (`wallet address`, `markets` read it without the password) while the engine signs for another.
    public static func decrypt(_ json: Data, password: SecretBytes) throws -> SecretBytes {
        let file = try parse(json)
        let key = try decryptKey(file, password: password)
        if let declaredText = file.address {
            guard let declared = try? Address(hex: declaredText) else { throw KeystoreError.malformed("the address field is not a 20-byte hex address") }
            let actual = try Secp256k1Signer(privateKey: key).address
            guard actual == declared else { throw KeystoreError.addressMismatch(declared: declared, actual: actual) }
        }
        return key
    }

    private static func decryptKey(_ file: KeystoreFile, password: SecretBytes) throws -> SecretBytes {
        let crypto = file.crypto
        guard crypto.cipher == "aes-128-ctr" else { throw KeystoreError.unsupportedCipher(crypto.cipher) }
        let params = crypto.kdfparams
        let salt = try field("kdfparams.salt", params.salt)
        let derived: SecretBytes
        switch crypto.kdf {
        case "scrypt":
            guard let n = params.n, let r = params.r, let p = params.p else { throw KeystoreError.malformed("scrypt needs n, r and p") }
            derived = try KeystoreKDF.scrypt(password: password, salt: salt, n: n, r: r, p: p, length: params.dklen)
        case "pbkdf2":
            guard params.prf == nil || params.prf == "hmac-sha256" else { throw KeystoreError.unsupportedKDF("pbkdf2 with \(params.prf ?? "")") }
            guard let c = params.c else { throw KeystoreError.malformed("pbkdf2 needs c") }
            derived = try KeystoreKDF.pbkdf2SHA256(password: password, salt: salt, rounds: c, length: params.dklen)
        default:
            throw KeystoreError.unsupportedKDF(crypto.kdf)
        }
        let ciphertext = try field("ciphertext", crypto.ciphertext)
        let expectedMAC = try field("mac", crypto.mac)
        let mac = derived.withUnsafeBytes { dk in
            var hasher = Keccak256()
            hasher.update(UnsafeRawBufferPointer(rebasing: dk[16..<32]))
            hasher.update(ciphertext)
            return hasher.finalize()
        }
        guard constantTimeEqual(mac, expectedMAC) else { throw KeystoreError.wrongPassword }
        var plaintext = try KeystoreKDF.aes128CTR(key: derived, iv: try field("cipherparams.iv", crypto.cipherparams.iv), ciphertext)
        return SecretBytes(consuming: &plaintext)
    }

    /// A new scrypt keystore for `privateKey`, as JSON. Salt and IV are fresh random bytes.
    public static func encrypt(privateKey: SecretBytes, password: SecretBytes,
                               scrypt: ScryptParameters = .standard) throws -> Data {
        let address = try Secp256k1Signer(privateKey: privateKey).address
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let derived = try KeystoreKDF.scrypt(password: password, salt: salt, n: scrypt.n, r: scrypt.r, p: scrypt.p, length: 32)
        var plaintext = privateKey.withUnsafeBytes { Array($0) }
        defer { plaintext.withUnsafeMutableBytes { SecretBytes.wipe($0) } }
        let ciphertext = try KeystoreKDF.aes128CTR(key: derived, iv: iv, plaintext)
        let mac = derived.withUnsafeBytes { dk in Keccak256.hash(Array(dk[16..<32]) + ciphertext) }
        let file = KeystoreFile(
            version: 3, id: UUID().uuidString.lowercased(), address: Hex.encode(address.bytes, prefix: false),
            crypto: .init(cipher: "aes-128-ctr", cipherparams: .init(iv: Hex.encode(iv, prefix: false)),
                          ciphertext: Hex.encode(ciphertext, prefix: false), kdf: "scrypt",
                          kdfparams: .init(dklen: 32, salt: Hex.encode(salt, prefix: false), n: scrypt.n, r: scrypt.r, p: scrypt.p),
                          mac: Hex.encode(mac, prefix: false)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(file)
    }

    /// The address a keystore declares (without decrypting); nil when the file has none.
    public static func declaredAddress(in json: Data) throws -> Address? {
        guard let text = try parse(json).address else { return nil }
        return try Address(hex: text)
    }

    private static func parse(_ json: Data) throws -> KeystoreFile {
        let file: KeystoreFile
        do { file = try JSONDecoder().decode(KeystoreFile.self, from: json) } catch {
            throw KeystoreError.malformed("not a keystore v3 JSON file")
        }
        guard file.version == 3 else { throw KeystoreError.unsupportedVersion(file.version) }
        return file
    }

    private static func field(_ name: String, _ hexText: String) throws -> [UInt8] {
        do { return try Hex.decode(hexText) } catch { throw KeystoreError.malformed("\(name) is not hex") }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Why a keystore cannot be opened or written. Never contains the password or key.
public enum KeystoreError: Error, Equatable, CustomStringConvertible {
    case wrongPassword
    /// The file's `address` field names another account than its key.
    case addressMismatch(declared: Address, actual: Address)
    case malformed(String)
    case unsupportedVersion(Int)
    case unsupportedCipher(String)
    case unsupportedKDF(String)
    case unsupportedParameters(String)
    case kdfFailed(String)

    public var description: String {
        switch self {
        case .wrongPassword: return "wrong password for this keystore (MAC mismatch; or the file is corrupted)"
        case .addressMismatch(let declared, let actual):
            return "keystore declares address \(declared) but its key is for \(actual): the file was edited or corrupted; refusing to use it"
        case .malformed(let why): return "malformed keystore: \(why)"
        case .unsupportedVersion(let v): return "keystore version \(v) is not supported (only version 3)"
        case .unsupportedCipher(let c): return "keystore cipher \(c) is not supported (only aes-128-ctr)"
        case .unsupportedKDF(let k): return "keystore KDF \(k) is not supported (scrypt or pbkdf2 with hmac-sha256)"
        case .unsupportedParameters(let p): return "keystore KDF parameters out of the accepted range: \(p)"
        case .kdfFailed(let why): return "key derivation failed: \(why)"
        }
    }
}

/// The JSON layout; some tools write `Crypto` instead of `crypto`.
struct KeystoreFile: Codable {
    var version: Int
    var id: String?
    var address: String?
    var crypto: CryptoSection

    struct CryptoSection: Codable {
        var cipher: String
        var cipherparams: CipherParams
        var ciphertext: String
        var kdf: String
        var kdfparams: KDFParams
        var mac: String
    }

    struct CipherParams: Codable { var iv: String }

    struct KDFParams: Codable {
        var dklen: Int
        var salt: String
        var n: Int?
        var r: Int?
        var p: Int?
        var c: Int?
        var prf: String?

        init(dklen: Int, salt: String, n: Int? = nil, r: Int? = nil, p: Int? = nil, c: Int? = nil, prf: String? = nil) {
            self.dklen = dklen; self.salt = salt; self.n = n; self.r = r; self.p = p; self.c = c; self.prf = prf
        }
    }

    enum CodingKeys: String, CodingKey { case version, id, address, crypto, Crypto }

    init(version: Int, id: String?, address: String?, crypto: CryptoSection) {
        self.version = version; self.id = id; self.address = address; self.crypto = crypto
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        crypto = try c.decodeIfPresent(CryptoSection.self, forKey: .crypto) ?? c.decode(CryptoSection.self, forKey: .Crypto)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encode(crypto, forKey: .crypto)
    }
}
