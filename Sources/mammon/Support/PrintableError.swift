import ArgumentParser
import Foundation
import MammonCore
import Runtime

/// A command's error with its text made safe for the terminal: errors quote nodes (RPC messages,
/// revert reasons), files and paths. ArgumentParser then prints it as it would have, exit code
/// unchanged.
struct PrintableError: Error, CustomStringConvertible {
    let description: String

    static func wrapping(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is CleanExit:
            return error
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."):
            // ArgumentParser's own (help, version, completion requests from its built-in `help`
            // command): only it knows how to report them; wrapped, they would print raw.
            return error
        case let validation as ValidationError:
            return ValidationError(UntrustedText.printable(validation.message, keepingNewlines: true))
        case let usage as UsageError:
            // The libraries' command-line mistakes, reported as ArgumentParser's own: exit 64 with the usage.
            return ValidationError(UntrustedText.printable(usage.description, keepingNewlines: true))
        default:
            // The text ArgumentParser would print (its `describe()`).
            let text: String
            if let localized = (error as? LocalizedError)?.errorDescription {
                text = localized
            } else if type(of: error) is NSError.Type {
                text = error.localizedDescription
            } else {
                text = String(describing: error)
            }
            return PrintableError(description: UntrustedText.printable(text, keepingNewlines: true))
        }
    }
}
