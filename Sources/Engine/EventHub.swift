import Foundation
import MammonCore
import Synchronization

/// Fans events out to every subscriber. A new subscriber first receives the latest status, so a
/// console attached mid-run starts from the truth rather than from nothing. A subscriber takes events
/// one by one, or as the batches they were committed in (a socket writes a commit's lines at once:
/// one write and one wake-up per commit instead of one per event).
final class EventHub: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<EngineEvent>.Continuation] = [:]
        var batchSubscribers: [UUID: AsyncStream<[EngineEvent]>.Continuation] = [:]
        var latestStatus: EngineEvent?
    }
    private let state = Mutex(State())

    func subscribe(bufferLimit: Int = 10_000) -> AsyncStream<EngineEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        // Under the lock, so no newer status can overtake it; safe, as nobody waits on a stream not yet returned.
        state.withLock { s in
            if let status = s.latestStatus { continuation.yield(status) }
            s.subscribers[id] = continuation
        }
        return stream
    }

    /// The same events as the commits that stored them (the latest status first, alone). `bufferLimit`
    /// counts batches; a commit holds a handful of events.
    func subscribeBatches(bufferLimit: Int = 2_000) -> AsyncStream<[EngineEvent]> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[EngineEvent]>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.batchSubscribers.removeValue(forKey: id) } }
        state.withLock { s in
            if let status = s.latestStatus { continuation.yield([status]) }
            s.batchSubscribers[id] = continuation
        }
        return stream
    }

    /// Yields outside the lock: resuming a waiting subscriber takes the Swift runtime's task lock, and a
    /// subscriber cancelled at the same moment (a console disconnecting) holds that lock while its
    /// termination handler takes ours — yielding under our lock deadlocked the two. Every publish comes
    /// from the engine actor, so events stay in order.
    func publish(_ events: [EngineEvent]) {
        guard !events.isEmpty else { return }
        let (subscribers, batchSubscribers) = state.withLock { s in
            for e in events { if case .status = e.kind { s.latestStatus = e } }
            return (Array(s.subscribers.values), Array(s.batchSubscribers.values))
        }
        for e in events { for c in subscribers { c.yield(e) } }
        for c in batchSubscribers { c.yield(events) }
    }

    func finish() {
        let (subscribers, batchSubscribers) = state.withLock { s in
            defer { s.subscribers.removeAll(); s.batchSubscribers.removeAll() }
            return (Array(s.subscribers.values), Array(s.batchSubscribers.values))
        }
        for c in subscribers { c.finish() }
        for c in batchSubscribers { c.finish() }
    }
}
