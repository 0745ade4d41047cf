import ArgumentParser
import MammonCore

/// `--safe SAFE`: run as the operator of a fenced treasury (the TREASURY_SAFE setting, validated by
/// the same rule).
struct TreasuryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Fenced treasury: the Safe that holds the funds; the keystore's key is its operator and acts only through the Safe's Roles module (wins over TREASURY_SAFE).", valueName: "address"))
    var safe: String?

    var configSettings: [ConfigLoader.Setting] {
        safe.map { [ConfigLoader.Setting(key: "TREASURY_SAFE", value: $0, source: .flag("safe"))] } ?? []
    }
}
