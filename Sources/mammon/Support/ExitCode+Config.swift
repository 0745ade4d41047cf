import ArgumentParser
import Foundation
import MammonCore

extension ConfigError {
    /// Prints the one-line error and exits with EX_CONFIG (78).
    func exit() -> ExitCode {
        FileHandle.standardError.write(Data((description + "\n").utf8))
        return ExitCode(ConfigError.exitCode)
    }
}
