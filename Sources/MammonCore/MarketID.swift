/// One market's identity everywhere the engine names a place funds can be: positions, proposals,
/// events, the database, the console, metrics, the shadow ledger and pins.
///
/// Written `family:name` (`compound-v3:usdc`, `erc4626:steakhouse-usdc`), so the identity says which
/// family's calls reach it. The four markets of the first releases keep the names they were stored
/// under (`aave-v3`, `moonwell`, `morpho-vault`, `aerodrome`): rows written before markets had
/// families still name their market, with no migration.
public struct MarketID: RawRepresentable, Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String
    /// The family whose calls this market answers.
    public let family: MarketFamily

    /// nil unless `rawValue` is one of the original names or `family:name` with a known family and a
    /// name of lowercase letters, digits, `-` and `.` (at most 64 characters in all).
    public init?(rawValue: String) {
        if let family = Self.originalFamilies[rawValue] {
            self.rawValue = rawValue
            self.family = family
            return
        }
        guard rawValue.utf8.count <= 64, let colon = rawValue.firstIndex(of: ":"),
              let family = MarketFamily(rawValue: String(rawValue[..<colon])) else { return nil }
        let name = rawValue[rawValue.index(after: colon)...]
        guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        self.rawValue = rawValue
        self.family = family
    }

    /// A market of `family` called `name` (lowercased, spaces and underscores as `-`).
    public init?(family: MarketFamily, name: String) {
        let slug = name.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: "-")
        self.init(rawValue: "\(family.rawValue):\(slug)")
    }

    /// Parses a config name: an identity, or an original market's other spellings ("Aave V3", "metamorpho").
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: " ", with: "-")
        switch key {
        case "aave-v3", "aave", "aavev3": self = .aaveV3
        case "moonwell": self = .moonwell
        case "morpho-vault", "morpho", "metamorpho": self = .morphoVault
        case "aerodrome": self = .aerodrome
        default: self.init(rawValue: key)
        }
    }

    public static let aaveV3 = MarketID(original: "aave-v3")
    public static let moonwell = MarketID(original: "moonwell")
    public static let morphoVault = MarketID(original: "morpho-vault")
    public static let aerodrome = MarketID(original: "aerodrome")

    /// The markets of the first releases, in the order they were listed (ties in APY break this way).
    public static let originals: [MarketID] = [.aaveV3, .moonwell, .morphoVault, .aerodrome]
    private static let originalFamilies: [String: MarketFamily] =
        ["aave-v3": .aaveV3, "moonwell": .compoundV2, "morpho-vault": .erc4626, "aerodrome": .amm]

    private init(original: String) {
        self.rawValue = original
        self.family = Self.originalFamilies[original]!
    }

    /// The name an operator reads when nothing better is known (a network file's `name` is better).
    public var displayName: String {
        switch rawValue {
        case "aave-v3": return "Aave V3"
        case "moonwell": return "Moonwell"
        case "morpho-vault": return "Morpho"
        case "aerodrome": return "Aerodrome"
        default:
            let name = rawValue[rawValue.index(after: rawValue.firstIndex(of: ":")!)...]
            // Token symbols and versions read as written ("Gauntlet USDC Prime", "Compound V3").
            return name.split(separator: "-").map { word in
                word == "usdc" || word.first == "v" && word.dropFirst().allSatisfy(\.isNumber) && word.count > 1
                    ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
            }.joined(separator: " ")
        }
    }

    /// The part after the family (`usdc` in `compound-v3:usdc`); the original names are their own.
    public var name: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return rawValue }
        return String(rawValue[rawValue.index(after: colon)...])
    }

    /// Whether single-asset deposits earn the quoted rate (every family but an AMM's pool).
    public var acceptsSingleAssetDeposits: Bool { family.acceptsSingleAssetDeposits }
    public var notMovableReason: String? { family.notMovableReason(displayName) }

    public var description: String { rawValue }

    /// The original markets in their first order, then every other by name.
    public static func < (a: Self, b: Self) -> Bool {
        switch (originals.firstIndex(of: a), originals.firstIndex(of: b)) {
        case (let i?, let j?): i < j
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): a.rawValue < b.rawValue
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = MarketID(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a market: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
