import CaseWatchModel
import CaseWatchStore
import Foundation
import GRDB

extension SQLiteStateStore {
    package func addSilence(matcher: Silence.Matcher, value: String, until: Date, reason: String, now: Date) async throws
        -> Silence
    {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO silence (matcher, value, starts_at, ends_at, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [matcher.rawValue, value, now.timeIntervalSince1970, until.timeIntervalSince1970, reason,
                                 Timestamp.iso8601(now)])
            return Silence(id: db.lastInsertedRowID, matcher: matcher, value: value, startsAt: now, endsAt: until,
                           reason: reason)
        }
    }

    package func silences(activeAt moment: Date?) async throws -> [Silence] {
        try await read { db in try Self.silences(activeAt: moment, in: db) }
    }

    static func silences(activeAt moment: Date?, in db: Database) throws -> [Silence] {
        let filter = moment == nil ? "" : "WHERE starts_at <= ? AND ends_at > ?"
        let arguments: StatementArguments = moment.map { [$0.timeIntervalSince1970, $0.timeIntervalSince1970] } ?? []
        return try Row.fetchAll(db, sql: """
            SELECT id, matcher, value, starts_at, ends_at, reason FROM silence \(filter) ORDER BY id DESC
            """, arguments: arguments).compactMap { row in
            guard let matcher = Silence.Matcher(rawValue: row[1]) else { return nil }
            return Silence(id: row[0], matcher: matcher, value: row[2], startsAt: Date(timeIntervalSince1970: row[3]),
                           endsAt: Date(timeIntervalSince1970: row[4]), reason: row[5])
        }
    }

    package func expireSilence(id: Int64, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE silence SET ends_at = ? WHERE id = ? AND ends_at > ?",
                           arguments: [now.timeIntervalSince1970, id, now.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }
}
