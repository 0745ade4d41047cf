/// What one part of a split asks for along the split (the rows of a column, the columns of a row):
/// the least it can work with, what it would like, the most it takes, whether it takes what is left
/// over, and whether it is left out rather than squeezed.
public struct SizeRule: Hashable, Sendable {
    /// Below this the part is no use; a layout that cannot give it is too small.
    public var minimum: Int
    /// What it asks for once every part has its minimum; never below `minimum` or above `maximum`.
    public var preferred: Int
    /// Never more than this; never below `minimum`.
    public var maximum: Int
    /// Takes the room left once every part has its preferred size (shared evenly with the other parts that fill).
    public var fills: Bool
    /// Left out (given nothing) when its minimum does not fit, instead of making the layout too small.
    public var optional: Bool

    public init(minimum: Int = 0, preferred: Int? = nil, maximum: Int = .max, fills: Bool = false, optional: Bool = false) {
        self.minimum = max(0, minimum)
        self.maximum = max(self.minimum, maximum)
        self.preferred = min(self.maximum, max(self.minimum, preferred ?? minimum))
        self.fills = fills
        self.optional = optional
    }

    /// Exactly `n`.
    public static func fixed(_ n: Int, optional: Bool = false) -> SizeRule {
        SizeRule(minimum: n, preferred: n, maximum: n, optional: optional)
    }

    /// At least `minimum`, and whatever is left.
    public static func fill(minimum: Int = 0, maximum: Int = .max) -> SizeRule {
        SizeRule(minimum: minimum, maximum: maximum, fills: true)
    }

    /// The rule of parts that lie side by side across the split (the panes of one row, measured in
    /// rows): the room the most demanding of them asks for.
    public static func across(_ rules: [SizeRule]) -> SizeRule {
        guard !rules.isEmpty else { return SizeRule() }
        return SizeRule(minimum: rules.map(\.minimum).max()!, preferred: rules.map(\.preferred).max()!,
                        maximum: rules.map(\.maximum).max()!, fills: rules.contains { $0.fills },
                        optional: rules.allSatisfy(\.optional))
    }
}
