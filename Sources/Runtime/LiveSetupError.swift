/// A live start that cannot go ahead as asked (no keystore for a network that signs).
public struct LiveSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
