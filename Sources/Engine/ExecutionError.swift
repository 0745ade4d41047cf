import Foundation
import MammonCore

/// Why an execution stopped, in words an operator can act on.
struct ExecutionError: Error, CustomStringConvertible {
    var step: ExecutionStep
    var message: String
    var description: String { "\(step.rawValue): \(message)" }
}
