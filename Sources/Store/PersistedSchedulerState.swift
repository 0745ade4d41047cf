import Foundation
import GRDB
import MammonCore

/// The scheduler's durable state: the breaker latch, the emergency stop, and lifetime counters.
public struct PersistedSchedulerState: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "scheduler_state"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int = 1
    public var state: String
    public var haltReason: String?
    public var emergencyStop: Bool
    var breaker: String
    public var startedAt: Date?
    public var lastScanAt: Date?
    public var nextScanAt: Date?
    public var scans: Int
    public var opportunitiesFound: Int
    public var opportunitiesExecuted: Int
    public var opportunitiesSkipped: Int
    public var ownerPid: Int32?
    public var updatedAt: Date

    public init(state: SchedulerStatus.State = .stopped, haltReason: String? = nil, emergencyStop: Bool = false,
                breakerState: BreakerState = BreakerState(), startedAt: Date? = nil, lastScanAt: Date? = nil,
                nextScanAt: Date? = nil, scans: Int = 0, opportunitiesFound: Int = 0, opportunitiesExecuted: Int = 0,
                opportunitiesSkipped: Int = 0, ownerPid: Int32? = nil, updatedAt: Date) {
        self.state = state.rawValue
        self.haltReason = haltReason
        self.emergencyStop = emergencyStop
        self.breaker = ""
        self.startedAt = startedAt
        self.lastScanAt = lastScanAt
        self.nextScanAt = nextScanAt
        self.scans = scans
        self.opportunitiesFound = opportunitiesFound
        self.opportunitiesExecuted = opportunitiesExecuted
        self.opportunitiesSkipped = opportunitiesSkipped
        self.ownerPid = ownerPid
        self.updatedAt = updatedAt
        self.breakerState = breakerState
    }

    public var breakerState: BreakerState {
        get { (try? JSONDecoder().decode(BreakerState.self, from: Data(breaker.utf8))) ?? BreakerState() }
        set { breaker = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("{}".utf8), as: UTF8.self) }
    }

    public var schedulerState: SchedulerStatus.State { SchedulerStatus.State(rawValue: state) ?? .stopped }
}

extension AppDatabase {
    public func schedulerState() throws -> PersistedSchedulerState? {
        try read { try PersistedSchedulerState.fetchOne($0, key: 1) }
    }
}
