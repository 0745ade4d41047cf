import Foundation
import GRDB
import MammonCore

/// The scheduler's durable state: the breaker latch, the emergency stop, and lifetime counters.
public struct PersistedSchedulerState: Sendable, Hashable, FetchableRecord {
    public var state: String
    public var haltReason: String?
    public var emergencyStop: Bool
    public var breakerState: BreakerState {
        didSet { breakerJSON = Self.json(breakerState) }
    }
    /// The breaker as stored, encoded when it changes rather than on every write.
    private(set) var breakerJSON: String
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
        self.breakerState = breakerState
        self.breakerJSON = Self.json(breakerState)
        self.startedAt = startedAt
        self.lastScanAt = lastScanAt
        self.nextScanAt = nextScanAt
        self.scans = scans
        self.opportunitiesFound = opportunitiesFound
        self.opportunitiesExecuted = opportunitiesExecuted
        self.opportunitiesSkipped = opportunitiesSkipped
        self.ownerPid = ownerPid
        self.updatedAt = updatedAt
    }

    public init(row: Row) throws {
        let table = "scheduler_state"
        guard let updatedAt = try row.storedDate("updated_at", in: table) else {
            throw StoreError.corruptRow(table: table, detail: "updated_at is missing")
        }
        let breakerJSON: String = row["breaker"]
        guard let breaker = try? StoredJSON.decode(BreakerState.self, from: breakerJSON) else {
            // A latch that cannot be read must not silently reset to "not tripped".
            throw StoreError.corruptRow(table: "scheduler_state", detail: "breaker state '\(breakerJSON)' is unreadable")
        }
        self.init(state: SchedulerStatus.State(rawValue: row["state"]) ?? .stopped, haltReason: row["halt_reason"],
                  emergencyStop: row["emergency_stop"], breakerState: breaker, startedAt: try row.storedDate("started_at", in: table),
                  lastScanAt: try row.storedDate("last_scan_at", in: table), nextScanAt: try row.storedDate("next_scan_at", in: table), scans: row["scans"],
                  opportunitiesFound: row["opportunities_found"], opportunitiesExecuted: row["opportunities_executed"],
                  opportunitiesSkipped: row["opportunities_skipped"], ownerPid: row["owner_pid"], updatedAt: updatedAt)
    }

    public var schedulerState: SchedulerStatus.State { SchedulerStatus.State(rawValue: state) ?? .stopped }

    static func json(_ b: BreakerState) -> String { (try? StoredJSON.encode(b)) ?? "{}" }
}

extension PersistedSchedulerState {
    /// Written at least twice a cycle: a cached upsert rather than record encoding.
    func upsert(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO scheduler_state(id, state, halt_reason, emergency_stop, breaker, started_at, last_scan_at, next_scan_at,
                scans, opportunities_found, opportunities_executed, opportunities_skipped, owner_pid, updated_at)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, halt_reason = excluded.halt_reason,
                emergency_stop = excluded.emergency_stop, breaker = excluded.breaker, started_at = excluded.started_at,
                last_scan_at = excluded.last_scan_at, next_scan_at = excluded.next_scan_at, scans = excluded.scans,
                opportunities_found = excluded.opportunities_found, opportunities_executed = excluded.opportunities_executed,
                opportunities_skipped = excluded.opportunities_skipped, owner_pid = excluded.owner_pid, updated_at = excluded.updated_at
            """)
        try statement.execute(arguments: [state, haltReason.map { UntrustedText.bounded($0) }, emergencyStop, breakerJSON, startedAt?.sqliteText, lastScanAt?.sqliteText,
                                          nextScanAt?.sqliteText, scans, opportunitiesFound, opportunitiesExecuted, opportunitiesSkipped,
                                          ownerPid, updatedAt.sqliteText])
    }
}

extension AppDatabase {
    public func schedulerState() throws -> PersistedSchedulerState? {
        try read { try PersistedSchedulerState.fetchOne($0, sql: "SELECT * FROM scheduler_state WHERE id = 1") }
    }
}
