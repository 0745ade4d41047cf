import EVM

/// The third-party contracts a fenced treasury relies on, pinned at their canonical addresses. They are
/// the same on Base and on the test devnet (deployed there through the same keyless factories and salts),
/// so one set serves every chain.
///
/// Sources: safe-global/safe-deployments (`src/assets/v1.3.0`, `v1.4.1`: canonical and eip155
/// deployments); gnosisguild/zodiac-modifier-roles `packages/evm/mastercopies.json` (Roles v2.1.0);
/// gnosisguild/zodiac `sdk/initData/ModuleProxyFactory.ts` (1.2.0).
public enum FenceContracts {
    /// Zodiac Roles Modifier v2.1.0 mastercopy: every Roles module a plan deploys is a minimal proxy of it.
    public static let rolesMastercopy = try! Address(hex: "0x9646fDAD06d3e24444381f44362a3B0eB343D337")
    /// Zodiac ModuleProxyFactory 1.2.0: `deployModule(mastercopy, initializer, saltNonce)`.
    public static let moduleProxyFactory = try! Address(hex: "0x000000000000aDdB49795b0f9bA5BC298cDda236")

    /// Safe singletons a treasury's proxy may point at (the `masterCopy` in its storage slot 0).
    public static let safeSingletons: [(version: String, address: Address)] = [
        ("SafeL2 1.4.1", try! Address(hex: "0x29fcB43b46531BcA003ddC8FCB67FFE91900C762")),
        ("Safe 1.4.1", try! Address(hex: "0x41675C099F32341bf84BFc5382aF534df5C7461a")),
        ("SafeL2 1.3.0", try! Address(hex: "0x3E5c63644E683549055b9Be8653de26E0B4CD36E")),
        ("Safe 1.3.0", try! Address(hex: "0xd9Db270c1B5E3Bd161E8c8503c55cEABeE709552")),
        ("SafeL2 1.3.0 (eip155)", try! Address(hex: "0xfb1bffC9d739B8D520DaF37dF666da4C687191EA")),
        ("Safe 1.3.0 (eip155)", try! Address(hex: "0x69f4D1788e39c87893C980c06EdF4b7f686e2938")),
    ]

    /// The start of a Safe's linked list of modules (`SENTINEL_MODULES`).
    public static let sentinel = try! Address(hex: "0x0000000000000000000000000000000000000001")

    /// EIP-1167 minimal proxy runtime code for `mastercopy`, as ModuleProxyFactory 1.2.0 deploys it.
    public static func minimalProxyRuntime(_ mastercopy: Address) -> [UInt8] {
        let head = try! Hex.decode("363d3d373d3d3d363d73"), tail = try! Hex.decode("5af43d82803e903d91602b57fd5bf3")
        return head + mastercopy.bytes + tail
    }

    /// The creation code ModuleProxyFactory 1.2.0 sends to CREATE2.
    public static func minimalProxyCreation(_ mastercopy: Address) -> [UInt8] {
        let head = try! Hex.decode("602d8060093d393df3363d3d373d3d3d363d73"), tail = try! Hex.decode("5af43d82803e903d91602b57fd5bf3")
        return head + mastercopy.bytes + tail
    }

    /// Where `deployModule(mastercopy, initializer, saltNonce)` puts the proxy:
    /// CREATE2(factory, keccak256(keccak256(initializer) ‖ saltNonce), keccak256(creation code)).
    public static func predictedModule(mastercopy: Address, initializer: [UInt8], saltNonce: UInt256) -> Address {
        let salt = Keccak256.hash(Keccak256.hash(initializer) + saltNonce.bigEndianBytes)
        let digest = Keccak256.hash([0xff] + moduleProxyFactory.bytes + salt + Keccak256.hash(minimalProxyCreation(mastercopy)))
        return try! Address(bytes: Array(digest.suffix(20)))
    }
}
