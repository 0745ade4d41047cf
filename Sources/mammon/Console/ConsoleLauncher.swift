import Engine
import Foundation

/// Starts the terminal console. Until the console lands, a terminal run falls back to headless output.
enum ConsoleLauncher {
    static func run(engine: Engine, network: NetworkOptions) async throws -> Int32 {
        await HeadlessRunner.run(engine: engine, once: false)
    }
}
