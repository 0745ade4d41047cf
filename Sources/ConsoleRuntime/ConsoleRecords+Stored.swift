import Console
import MammonCore
import Service

extension ConsoleRecords {
    /// The records as the console's reducer takes them.
    public var stored: StoredRecords {
        StoredRecords(executions: executions, errors: errors,
                      lastScan: lastScan.map { StoredRecords.LastScan(at: $0.at, markets: $0.markets, idle: $0.idle) }, portfolio: portfolio)
    }
}
