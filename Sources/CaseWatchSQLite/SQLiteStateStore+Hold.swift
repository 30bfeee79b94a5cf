import CaseWatchModel
import CaseWatchStore
import Foundation
import GRDB

/// The hold window and withdrawals.
extension SQLiteStateStore {
    package func heldEvents(caseIDs: [String], since: Date) async throws -> [String: [HeldEvent]] {
        guard !caseIDs.isEmpty else { return [:] }
        return try await read { db in
            let decoder = JSONDecoder.caseWatch
            var held: [String: [HeldEvent]] = [:]
            for chunk in stride(from: 0, to: caseIDs.count, by: 500).map({ caseIDs[$0..<min($0 + 500, caseIDs.count)] }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT e.case_id, e.json, e.has_prior, e.prior_json FROM event e
                    WHERE e.case_id IN (\(marks)) AND e.detected_at >= ? AND e.withdrawn_at IS NULL
                        AND e.type NOT IN ('case.hearing_reminder', 'case.deadline_reminder')
                        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id
                                                               AND (o.attempts > 0 OR o.state = 'delivered'))
                    ORDER BY e.seq
                    """, arguments: StatementArguments(Array(chunk) + [Timestamp.iso8601(since)]))
                for row in rows {
                    let json: Data = row[1]
                    let hasPrior: Bool = row[2]
                    let prior: Data? = row[3]
                    held[row[0], default: []].append(HeldEvent(
                        event: try decoder.decode(CaseEvent.self, from: json),
                        prior: try prior.map { try decoder.decode(LegalCase.self, from: $0) }, priorKnown: hasPrior))
                }
            }
            return held
        }
    }

    package func withdraw(eventIDs: [String], reason: String, now: Date) async throws -> Int {
        try await write { db in
            try eventIDs.reduce(0) { $0 + (try Self.withdraw(eventID: $1, reason: reason, now: now, in: db)) }
        }
    }

    /// Marks one event withdrawn and its unsent entries `withdrawn`; returns how many entries.
    static func withdraw(eventID: String, reason: String, now: Date, in db: Database) throws -> Int {
        let stamp = Timestamp.iso8601(now)
        try db.execute(sql: """
            UPDATE event SET withdrawn_at = ?, withdraw_reason = ? WHERE id = ? AND withdrawn_at IS NULL
            """, arguments: [stamp, reason, eventID])
        try db.execute(sql: """
            UPDATE outbox SET state = 'withdrawn', last_error = ?, updated_at = ?
            WHERE event_id = ? AND state IN ('pending', 'retrying')
            """, arguments: ["withdrawn: " + reason, stamp, eventID])
        return db.changesCount
    }
}
