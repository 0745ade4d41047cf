import Foundation

/// A market family the engine knows. Raw values are the names used in config and network files.
public enum LendingProtocol: String, Codable, CaseIterable, Sendable, Comparable {
    case aaveV3 = "aave-v3"
    case moonwell = "moonwell"
    case morphoVault = "morpho-vault"
    case aerodrome = "aerodrome"

    /// The name an operator reads.
    public var displayName: String {
        switch self {
        case .aaveV3: "Aave V3"
        case .moonwell: "Moonwell"
        case .morphoVault: "Morpho"
        case .aerodrome: "Aerodrome"
        }
    }

    /// Whether single-asset deposits earn the quoted rate. Aerodrome is a two-token AMM: putting USDC
    /// there means an LP position with impermanent loss and a swap, not a supply, so the engine lists it
    /// and never moves funds into it.
    public var acceptsSingleAssetDeposits: Bool { self != .aerodrome }

    public var notMovableReason: String? {
        acceptsSingleAssetDeposits ? nil
            : "\(displayName) is an AMM (two-token LP with impermanent loss), not a lending market"
    }

    /// Parses a config or file name, accepting the display name too ("Aave V3").
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: " ", with: "-")
        switch key {
        case "aave-v3", "aave", "aavev3": self = .aaveV3
        case "moonwell": self = .moonwell
        case "morpho-vault", "morpho", "metamorpho": self = .morphoVault
        case "aerodrome": self = .aerodrome
        default: return nil
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
