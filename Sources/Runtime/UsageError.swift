/// A mistake on the command line (a flag's value, a missing flag, two that exclude each other) found
/// after parsing: the executable reports it as ArgumentParser reports its own, exit 64 with the usage.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
