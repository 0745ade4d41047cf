import Foundation
import MammonCore

/// Start, stop, the wait between scans, backoff after failures and the latching circuit breaker.
extension Engine {
    public func start() {
        switch persisted.schedulerState {
        case .running:
            return
        case .halted:
            commit([], [.error(.scheduler, "cannot start: halted (\(persisted.haltReason ?? "unknown")); resume first")])
            return
        case .stopped:
            break
        }
        saveState({ $0.state = SchedulerStatus.State.running.rawValue; $0.startedAt = clock.now() }, [.schedulerStarted])
        loopTask = Task { await self.loop() }
    }

    /// Stops at once if waiting; a cycle in flight finishes its current execution first.
    public func stop(reason: String) async {
        guard persisted.schedulerState == .running else { return }
        saveState({ $0.state = SchedulerStatus.State.stopped.rawValue; $0.nextScanAt = nil }, [.schedulerStopped(reason: reason)])
        sleepTask?.cancel()
        let task = loopTask
        loopTask = nil
        await task?.value
    }

    func halt(reason: String, emergency: Bool) async {
        let wasRunning = persisted.schedulerState == .running
        saveState({
            $0.state = SchedulerStatus.State.halted.rawValue
            $0.haltReason = reason
            $0.nextScanAt = nil
            if emergency { $0.emergencyStop = true }
        }, [.schedulerHalted(reason: reason, emergency: emergency)])
        if wasRunning {
            sleepTask?.cancel()
            loopTask = nil
        }
    }

    /// Clears the breaker and the emergency latch. The scheduler stays stopped until started.
    func resume() {
        guard persisted.schedulerState == .halted else { return }
        saveState({
            $0.state = SchedulerStatus.State.stopped.rawValue
            $0.haltReason = nil
            $0.emergencyStop = false
            var breaker = $0.breakerState
            breaker.reset()
            $0.breakerState = breaker
        }, [.schedulerResumed])
    }

    /// Gives the engine a liveness signal for a supervisor (systemd's WATCHDOG=1). While the scheduler
    /// runs, its wait between scans wakes at least every `interval` and calls `beat`; inside a cycle
    /// only the chain's bounded waits beat (each poll of a fee wait or a receipt, through `waits`),
    /// so a cycle stuck anywhere else (a deadlock, a call that never returns) stops the beats. Set
    /// before `start`.
    public func setHeartbeat(every interval: TimeInterval, _ beat: @escaping @Sendable () -> Void) {
        precondition(interval > 0, "a heartbeat interval must be positive")
        heartbeat = (interval, beat)
        waits?.connect(beat)
    }

    /// The chain's waits (the `Liveness` its options beat): they reach the heartbeat once one is set.
    public func attachWaits(_ liveness: Liveness) {
        waits = liveness
        if let heartbeat { liveness.connect(heartbeat.beat) }
    }

    /// Beats when nothing is expected to move: the scheduler is stopped or halted and no cycle or
    /// approved execution runs. Otherwise a watchdog would kill an engine the operator stopped, or
    /// one the breaker halted, and restart it just as halted. The caller decides how often.
    public func beatIfIdle() {
        guard persisted.schedulerState != .running, !cycleInFlight else { return }
        heartbeat?.beat()
    }

    private func loop() async {
        var attempt = 0
        while persisted.schedulerState == .running {
            let ok = await runOnce()
            guard persisted.schedulerState == .running else { break }
            let now = clock.now()
            let next: Date
            if ok {
                attempt = 0
                next = now.addingTimeInterval(config.scanInterval)
            } else {
                attempt += 1
                next = now.addingTimeInterval(config.breaker.backoff(attempt: attempt))
                commit([], [.cycleRetry(attempt: attempt, retryAt: next, error: recentErrors.last?.message ?? "cycle failed")])
            }
            saveState { $0.nextScanAt = next }
            do { try await wait(until: next) } catch { break }
        }
    }

    /// The wait between scans, in slices no longer than the heartbeat's interval, beating before
    /// each one. Without a heartbeat it is one sleep.
    private func wait(until deadline: Date) async throws {
        let clock = self.clock
        while persisted.schedulerState == .running {
            heartbeat?.beat()
            let now = clock.now()
            guard now < deadline else { return }
            let wake = heartbeat.map { min(deadline, now.addingTimeInterval($0.interval)) } ?? deadline
            let sleeper = Task { try await clock.sleep(until: wake) }
            sleepTask = sleeper
            try await sleeper.value
        }
    }
}
