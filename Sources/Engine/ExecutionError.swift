import Foundation
import MammonCore

/// Why an execution stopped, in words an operator can act on.
struct ExecutionError: Error, CustomStringConvertible, AlertCoded {
    var step: ExecutionStep
    var message: String
    /// The alert of the error that caused it, if any.
    var alertCode: AlertCode?

    init(step: ExecutionStep, message: String, cause: (any Error)? = nil) {
        self.step = step
        self.message = message
        self.alertCode = cause.flatMap(AlertCode.of)
    }

    var description: String { "\(step.rawValue): \(message)" }
}
