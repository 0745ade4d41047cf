import Foundation
import GRDB
import MammonCore

/// An approval request and how it ended.
struct ApprovalRecord: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "approval"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    var id: String
    var request: String
    var outcome: String
    var requestedAt: Date
    var expiresAt: Date
    var resolvedAt: Date?
    var detail: String?

    init(_ r: ApprovalRequest, resolvedAt: Date?, detail: String?) throws {
        id = r.id.uuidString
        request = try StoredJSON.encode(r)
        outcome = r.outcome.rawValue
        requestedAt = r.requestedAt
        expiresAt = r.expiresAt
        self.resolvedAt = resolvedAt
        self.detail = detail.map { UntrustedText.bounded($0) }
    }
}

extension AppDatabase {
    public func approvals(limit: Int) throws -> [(request: ApprovalRequest, resolvedAt: Date?, detail: String?)] {
        try read { db in
            try ApprovalRecord.order(Column("requested_at").desc).limit(limit).fetchAll(db).map {
                var r = try StoredJSON.decode(ApprovalRequest.self, from: $0.request)
                r.outcome = ApprovalRequest.Outcome(rawValue: $0.outcome) ?? r.outcome
                return (r, $0.resolvedAt, $0.detail)
            }
        }
    }

    public func pendingApprovals() throws -> [ApprovalRequest] {
        try approvals(limit: 1000).filter { $0.request.outcome == .pending }.map(\.request)
    }
}
