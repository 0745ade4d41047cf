import Console
import Foundation
import MammonCore
import NcursesBackend
import TerminalKit

/// Console figures: drawing a big frame, what an idle second costs on the wire and in CPU, memory.
enum ConsoleBench: BenchSuite {
    static let name = "console"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        var figures: [String: BenchFigure] = [:]
        figures["resident_memory_before_console_state"] = BenchFigure(residentMB(), "MB")
        let size = Size(width: 200, height: 60)
        var state = busyState(opportunities: 10_000, now: Date(timeIntervalSince1970: 1_800_000_000))
        state.size = size
        state.focus = .opportunities

        // Render + diff of a 200×60 frame: each frame the clock moves and the selection steps down.
        var previous = ConsoleRenderer.render(state, size: size)
        var samples: [Double] = []
        var renderOnly: [Double] = []
        var changed = 0
        for i in 0..<max(10, Int(300 * scale)) {
            _ = ConsoleReducer.reduce(&state, .tick(state.now.addingTimeInterval(1)))
            if i % 3 == 0 { _ = ConsoleReducer.reduce(&state, .keyPressed(.down)) }
            let start = DispatchTime.now().uptimeNanoseconds
            let frame = ConsoleRenderer.render(state, size: size)
            renderOnly.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            changed += frame.diff(from: previous).count
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            previous = frame
        }
        samples.sort()
        figures["frame_200x60_10000_opportunities_render_diff_median"] = BenchFigure(samples[samples.count / 2], "ms")
        figures["frame_200x60_10000_opportunities_render_diff_p99"] = BenchFigure(samples[samples.count * 99 / 100], "ms")
        renderOnly.sort()
        figures["frame_200x60_10000_opportunities_render_only_median"] = BenchFigure(renderOnly[renderOnly.count / 2], "ms")
        figures["frame_200x60_cells_changed_per_frame"] = BenchFigure(Double(changed) / Double(samples.count), "cells")
        figures["resident_memory_with_10000_opportunities"] = BenchFigure(residentMB(), "MB")

        let idle = try idleTerminal(seconds: max(2, 5 * scale))
        figures["idle_tick_bytes_written"] = BenchFigure(idle.bytesPerTick, "bytes/tick")
        figures["idle_cpu"] = BenchFigure(idle.cpuPercent, "% of a core")
        figures["resident_memory_peak"] = BenchFigure(peakMB(), "MB")
        let process = try ConsoleProcessProbe.run(seconds: max(2, 6 * scale))
        figures["console_process_resident_memory"] = BenchFigure(process.residentMB, "MB")
        figures["console_process_resident_memory_peak"] = BenchFigure(process.peakMB, "MB")
        figures["console_process_exit_status_after_sigterm"] = BenchFigure(Double(process.exitStatus), "code")
        return figures
    }

    /// The real loop and ncurses backend (output to a file, xterm-256color, 200×60) left alone for
    /// `seconds`: bytes written per clock tick after the first frame, and CPU used.
    static func idleTerminal(seconds: Double) throws -> (bytesPerTick: Double, cpuPercent: Double) {
        let path = NSTemporaryDirectory() + "mammon-bench-\(getpid()).out"
        defer { unlink(path) }
        var env = ProcessInfo.processInfo.environment
        env["LINES"] = "60"
        env["COLUMNS"] = "200"
        setenv("LINES", "60", 1)
        setenv("COLUMNS", "200", 1)
        let terminal = try NcursesTerminal(options: .init(termType: "xterm-256color", outputPath: path), environment: env)
        defer { terminal.restore() }
        var state = busyState(opportunities: 200, now: Date())
        state.size = terminal.size
        let inbox = ActionInbox()
        var frames = 0
        var firstFrameBytes = 0
        var loop = ConsoleLoop(terminal: terminal, theme: ThemeLoader.fallback, inbox: inbox, perform: { _ in })
        loop.onFrame = { _ in
            frames += 1
            if frames == 1 { firstFrameBytes = fileSize(path) }
        }
        let end = Date().addingTimeInterval(seconds)
        let before = cpuSeconds()
        let wallStart = Date()
        _ = loop.run(initial: state) { $0.now >= end }
        let cpu = cpuSeconds() - before
        let wall = Date().timeIntervalSince(wallStart)
        let ticks = max(1, frames - 1)
        return (Double(fileSize(path) - firstFrameBytes) / Double(ticks), cpu / wall * 100)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func residentMB() -> Double { procStatus("VmRSS:") }
    static func peakMB() -> Double { procStatus("VmHWM:") }

    /// A `/proc/PROCESS/status` figure in MB ("VmRSS:", "VmHWM:"); -1 when it cannot be read.
    static func procStatus(_ key: String, process: String = "self") -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kb / 1024
    }

    /// A console that has seen `opportunities` recommendations with their verdicts, markets and an execution.
    static func busyState(opportunities count: Int, now: Date) -> ConsoleState {
        var state = ConsoleState(now: now)
        state.status = SchedulerStatus(state: .running, network: "simulated", walletAddress: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
                                       approvalMode: "manual", lastScanAt: now, nextScanAt: now.addingTimeInterval(4 * 3600), scans: 40)
        let protocols: [MarketID] = [.aaveV3, .moonwell, .morphoVault]
        state.markets = protocols.enumerated().map { i, p in
            MarketLine(marketID: p, apy: Decimal(4 + i), position: TokenAmount(baseUnits: 1_000_000_000, decimals: 6),
                       history: (0..<120).map { 4 + Double(i) + sin(Double($0) / 7) * 0.3 })
        }
        state.marketsAt = now
        for n in 0..<count {
            let id = UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
            let rec = RebalanceRecommendation(id: id, from: protocols[n % 3], to: protocols[(n + 1) % 3], token: .usdc,
                                              amount: TokenAmount(baseUnits: UInt128(1_000_000 * (100 + n % 900)), decimals: 6),
                                              currentAPY: Decimal(400 + n % 50) / 100, expectedAPY: Decimal(450 + n % 90) / 100,
                                              reason: "bench", confidence: 50)
            let gates = [GateVerdict(name: "min_profit", passed: n % 4 != 0, reason: "bench"),
                         GateVerdict(name: "break_even", passed: n % 5 != 0, reason: "bench")]
            let analysis = ProfitabilityAnalysis(
                currentAPY: rec.currentAPY, targetAPY: rec.expectedAPY, amountUSD: rec.amount.decimalValue,
                apyImprovement: rec.apyImprovement, annualGainUSD: Decimal(n % 70), costs: CostBreakdown(
                    withdrawGasUSD: 0.01, approveGasUSD: 0.01, swapGasUSD: 0, depositGasUSD: 0.01, slippageUSD: 0, protocolFeesUSD: 0),
                netGainUSD: Decimal(n % 70) - Decimal(string: "0.03")!, breakEvenDays: n % 40, roiPct: 10, gates: gates)
            let verdict: OpportunityRow.Verdict = analysis.failedGates.first.map { .rejected(gate: $0.name, reason: $0.reason) } ?? .passed
            state.opportunities[id] = OpportunityRow(recommendation: rec, analysis: analysis, verdict: verdict,
                                                     foundAt: now.addingTimeInterval(Double(-n)))
        }
        state.sort = OpportunitySort(column: .netGain, ascending: false)
        state.resortOpportunities()
        return state
    }
}
