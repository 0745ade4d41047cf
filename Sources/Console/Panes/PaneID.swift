/// A pane's name, for focus, commands and tests. Each pane declares its own beside its view
/// (`extension PaneID { static let scheduler = PaneID("scheduler") }`), so adding one touches no list
/// but `PaneRegistry.standard`.
public struct PaneID: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
}
