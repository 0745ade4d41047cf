import ArgumentParser
import Foundation
import MammonCore

/// `mammon-bench`: runs every benchmark suite and prints one JSON object of figures. Its own
/// executable, so the installed `mammon` carries none of it. Each area of the program contributes a
/// `BenchSuite` in its own file.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mammon-bench",
        abstract: "Print performance figures as JSON (use the release build: swift run -c release mammon-bench).")

    @Option(help: "Run only the suites with these names (comma separated).")
    var only: String?

    @Flag(help: "Fewer iterations (for profiling under valgrind).")
    var quick = false

    static var suites: [any BenchSuite.Type] { [EngineBench.self, EVMBench.self, ChainBench.self, ConsoleBench.self, ServiceBench.self, HistoryBench.self,
                                                 ScanBench.self] }

    func run() async throws {
        let wanted = only.map { Set($0.split(separator: ",").map(String.init)) }
        var report: [String: [String: BenchFigure]] = [:]
        for suite in Self.suites where wanted?.contains(suite.name) ?? true {
            report[suite.name] = try await suite.run(scale: quick ? 0.05 : 1)
        }
        FileHandle.standardOutput.write(Data(try JSONLineWriter.bytes(report, style: .report)))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// One area's benchmarks. Figures are measured, never asserted.
protocol BenchSuite: Sendable {
    static var name: String { get }
    /// `scale` multiplies iteration counts (1 normally, small for profiling).
    static func run(scale: Double) async throws -> [String: BenchFigure]
}

/// A measured number with its unit, e.g. `{"value": 1.23, "unit": "ms"}`.
struct BenchFigure: Codable, Sendable {
    var value: Double
    var unit: String
    init(_ value: Double, _ unit: String) { self.value = value; self.unit = unit }
}
