import CaseWatchPipeline
import CaseWatchStore
import Foundation
import GRDB
import CaseWatchModel

extension SQLiteStateStore {
    /// Recorded events, oldest first, optionally for one case and from one day on.
    package func events(caseID: String? = nil, since: CalendarDate? = nil) async throws -> [CaseEvent] {
        var conditions: [String] = []
        var arguments: [String] = []
        if let caseID {
            conditions.append("case_id = ?")
            arguments.append(caseID)
        }
        if let since {
            conditions.append("detected_at >= ?")
            arguments.append(since.description)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT json, withdraw_reason FROM event \(filter) ORDER BY seq"
        let statementArguments = StatementArguments(arguments)
        return try await read { db in
            let decoder = JSONDecoder.caseWatch
            return try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.event(from: $0, decoder) }
        }
    }

    /// One recorded event.
    package func event(id: String) async throws -> CaseEvent? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT json, withdraw_reason FROM event WHERE id = ?", arguments: [id]).map {
                try Self.event(from: $0, JSONDecoder.caseWatch)
            }
        }
    }

    /// An event from a row of (json, withdraw_reason).
    static func event(from row: Row, _ decoder: JSONDecoder) throws -> CaseEvent {
        let json: Data = row[0]
        var event = try decoder.decode(CaseEvent.self, from: json)
        event.withdrawal = row[1]
        return event
    }

    /// Which of these event ids are recorded already.
    package func recordedEventIDs(among ids: [String]) async throws -> Set<String> {
        try await read { db in
            var known: Set<String> = []
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM event WHERE id = ?")
            for id in ids where try Bool.fetchOne(statement, arguments: [id]) != nil {
                known.insert(id)
            }
            return known
        }
    }

    /// The newest events, newest first (the Atom feed).
    package func recentEvents(limit: Int) async throws -> [CaseEvent] {
        try await read { db in
            let decoder = JSONDecoder.caseWatch
            return try Row.fetchAll(db, sql: "SELECT json, withdraw_reason FROM event ORDER BY seq DESC LIMIT ?",
                                    arguments: [limit])
                .map { try Self.event(from: $0, decoder) }
        }
    }

    package func announcements(forCases ids: [String]) async throws -> [String: CaseAnnouncements] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            let decoder = JSONDecoder.caseWatch
            var events: [String: [CaseEvent]] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT json, withdraw_reason, case_id FROM event WHERE case_id IN (\(marks)) ORDER BY seq
                    """, arguments: StatementArguments(Array(chunk)))
                while let row = try rows.next() {
                    events[row[2], default: []].append(try Self.event(from: row, decoder))
                }
            }
            return events.mapValues(CaseAnnouncements.init(events:))
        }
    }
}
