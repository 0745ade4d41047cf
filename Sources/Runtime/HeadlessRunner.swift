import Engine
import Foundation
import MammonCore

/// `--no-ui`: one JSON object per event on stdout, one line each, written as it happens.
public enum HeadlessRunner {
    public static func run(engine: Engine, once: Bool, alerts: EngineAlerts? = nil) async -> Int32 {
        let events = engine.subscribe()
        let writer = Task { await writeLines(events, to: .standardOutput) }
        // SIGHUP too: the terminal or SSH session that started a `--no-ui` run went away. Finishing
        // the step and exiting 0 beats dying mid-step on the default action.
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in
            Task { await engine.shutdown() }
        }
        defer { signals.cancel() }

        await engine.open()
        await alerts?.opened(longRunning: !once)
        let systemd = SystemdNotifier()
        let supervision = await systemd.supervise(engine)
        var code: Int32 = 0
        if once {
            code = await engine.runOnce() ? 0 : 1
        } else {
            await engine.start()
            systemd.ready()
            await signals.wait()
        }
        systemd.stopping()
        if !once { await alerts?.stopping(reason: "signal") }
        await engine.shutdown()
        await supervision.value
        await writer.value
        return code
    }

    /// Each event's line as the engine wrote it once (the bytes the event log stores and every
    /// socket sends), newline-terminated. write(2) per line: unbuffered, so a pipe into jq sees each
    /// event at once.
    static func writeLines(_ events: AsyncStream<EngineEvent>, to output: FileHandle) async {
        for await event in events {
            guard let line = try? event.jsonLine() else { continue }
            var bytes = Data(capacity: line.utf8.count + 1)
            bytes.append(contentsOf: line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            output.write(bytes)
        }
    }
}
