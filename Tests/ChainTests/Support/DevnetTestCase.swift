import Chain
import Foundation
import XCTest

/// A test class on its own devnet: started for the class's first test, stopped after its last.
/// Every test starts from the same chain state (evm_snapshot before, evm_revert after).
class DevnetTestCase: XCTestCase {
    private static let devnets = DevnetsByClass()
    /// Whether the class's devnet also holds the fenced treasury's contracts (Safe, Zodiac Roles).
    class var deploysFence: Bool { false }
    var devnet: LiveDevnet!
    private var snapshot: JSONValue?

    override func setUp() async throws {
        devnet = try LiveDevnet(try await Self.devnets.devnet(for: Self.self).harness())
        snapshot = try await devnet.admin("evm_snapshot")
    }

    override func tearDown() async throws {
        if let snapshot { _ = try await devnet.admin("evm_revert", [snapshot]) }
    }

    override class func tearDown() {
        devnets.devnet(for: self).stop()
        super.tearDown()
    }
}

/// One shared devnet per test class.
private final class DevnetsByClass: @unchecked Sendable {
    private let lock = NSLock()
    private var devnets: [ObjectIdentifier: SharedDevnet] = [:]

    func devnet(for type: AnyClass) -> SharedDevnet {
        lock.withLock {
            if let existing = devnets[ObjectIdentifier(type)] { return existing }
            let created = SharedDevnet(fence: (type as? DevnetTestCase.Type)?.deploysFence ?? false)
            devnets[ObjectIdentifier(type)] = created
            return created
        }
    }
}
