import Foundation
import Synchronization

/// A clock that moves only when told to. Sleepers wake when `advance` passes their deadline, so tests
/// and benchmarks drive the scheduler without waiting for real time.
public final class ManualClock: EngineClock {
    private struct Sleeper {
        var id: UUID
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var sleeperWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    public init(_ start: Date) { state = Mutex(State(now: start)) }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let (resumeNow, watchers) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= s.now { return (true, []) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    let ready = s.sleeperWatchers.filter { s.sleepers.count >= $0.count }.map(\.continuation)
                    s.sleeperWatchers.removeAll { s.sleepers.count >= $0.count }
                    return (false, ready)
                }
                if resumeNow { c.resume() }
                for w in watchers { w.resume() }
                // Cancelled before registering: the handler found nothing to cancel, so do it here.
                if Task.isCancelled {
                    let mine = state.withLock { s -> Sleeper? in
                        guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                        return s.sleepers.remove(at: i)
                    }
                    mine?.continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = s.now.addingTimeInterval(seconds)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for s in due { s.continuation.resume() }
    }

    /// Deadlines of everyone sleeping now.
    public var sleepingUntil: [Date] { state.withLock { $0.sleepers.map(\.deadline) } }

    /// Returns once at least `count` tasks are asleep on this clock.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.sleepers.count >= count { return true }
                s.sleeperWatchers.append((count, c))
                return false
            }
            if ready { c.resume() }
        }
    }
}
