import EVM

/// An address without its key: for commands that read a wallet's positions and never sign.
struct WatchOnlySigner: Signer {
    let address: Address

    func sign(digest: [UInt8]) async throws -> Signature {
        throw LiveSetupError("this command only reads: it has no key to sign with")
    }
}
