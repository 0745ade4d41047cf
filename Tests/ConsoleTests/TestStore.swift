import Foundation
import XCTest
@testable import Console

/// An exhaustive store in the manner of TCA's: each `send` states how the state changes and which
/// effects come out; a change the test did not describe, or an effect it did not expect, fails.
final class TestStore {
    private(set) var state: ConsoleState

    init(_ state: ConsoleState) { self.state = state }

    func send(_ action: ConsoleAction, effects expected: [ConsoleEffect] = [],
              file: StaticString = #filePath, line: UInt = #line, _ update: (inout ConsoleState) -> Void = { _ in }) {
        var wanted = state
        update(&wanted)
        let effects = ConsoleReducer.reduce(&state, action)
        if effects != expected {
            XCTFail("\(action): effects \(effects), expected \(expected)", file: file, line: line)
        }
        if state != wanted {
            XCTFail("\(action): state differs from the described change:\n" + Self.difference(wanted, state),
                    file: file, line: line)
        }
    }

    /// The properties that differ, named, with both values.
    static func difference(_ expected: ConsoleState, _ actual: ConsoleState) -> String {
        let e = Mirror(reflecting: expected).children, a = Mirror(reflecting: actual).children
        return zip(e, a).compactMap { pair -> String? in
            let (ev, av) = (String(describing: pair.0.value), String(describing: pair.1.value))
            guard ev != av else { return nil }
            return "  \(pair.0.label ?? "?"):\n    expected \(ev.prefix(400))\n    actual   \(av.prefix(400))"
        }.joined(separator: "\n")
    }
}
