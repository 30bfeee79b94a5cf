import Foundation
import GRDB

extension StateStore {
    /// Outbox entries, newest first, optionally in some states only.
    public func outboxEntries(states: [OutboxState]? = nil, limit: Int = 1000) async throws -> [OutboxEntry] {
        let filter = states.map { "WHERE state IN (" + $0.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")" } ?? ""
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.entryColumns) FROM outbox \(filter) ORDER BY id DESC LIMIT ?",
                             arguments: [limit]).map(Self.entry)
        }
    }

    /// Every entry of one event's delivery (`generation` 0) or of one of its replays, oldest first.
    public func outboxEntries(eventID: String, generation: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                \(Self.entryColumns) FROM outbox WHERE event_id = ? AND generation = ? ORDER BY id
                """, arguments: [eventID, generation]).map(Self.entry)
        }
    }

    private static let entryColumns = """
        SELECT id, event_id, subscriber_id, channel, generation, state, attempts, next_attempt_at, last_error,
            message_id, created_at, updated_at
        """

    static func entry(_ row: Row) -> OutboxEntry {
        let state = OutboxState(rawValue: row["state"]) ?? .pending
        let next: Double = row["next_attempt_at"]
        return OutboxEntry(
            id: row["id"], eventID: row["event_id"], subscriberID: row["subscriber_id"],
            channel: Channel(rawValue: row["channel"]) ?? .email, generation: row["generation"], state: state,
            attempts: row["attempts"],
            nextAttemptAt: state == .retrying || state == .pending ? Date(timeIntervalSince1970: next) : nil,
            lastError: row["last_error"], messageID: row["message_id"], createdAt: row["created_at"],
            updatedAt: row["updated_at"])
    }

    /// Re-queues one entry now, with a fresh retry schedule; nil when there is no such entry.
    public func requeue(outboxID: Int64, now: Date = Date()) async throws -> OutboxEntry? {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
                WHERE id = ? AND state != 'sending'
                """, arguments: [now.timeIntervalSince1970, Timestamp.iso8601(now), outboxID])
            return try Row.fetchOne(db, sql: """
                SELECT id, event_id, subscriber_id, channel, generation, state, attempts, next_attempt_at, last_error,
                    message_id, created_at, updated_at FROM outbox WHERE id = ?
                """, arguments: [outboxID]).map(Self.entry)
        }
    }

    /// The next replay generation of an event: one more than any it was delivered with.
    public func nextGeneration(eventID: String) async throws -> Int {
        try await pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM outbox WHERE event_id = ?", arguments: [eventID])
                ?? -1) + 1
        }
    }

    /// The attempts of one entry, oldest first.
    public func attempts(outboxID: Int64) async throws -> [(startedAt: String, outcome: String, code: Int?, detail: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT started_at, outcome, code, detail FROM attempt WHERE outbox_id = ? ORDER BY id
                """, arguments: [outboxID]).map { ($0["started_at"], $0["outcome"], $0["code"], $0["detail"]) }
        }
    }

    public func status() async throws -> DispatcherStatus {
        let feeds = try await feedStates()
        return try await pool.read { db in
            let counts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT state, COUNT(*) AS n FROM outbox GROUP BY state
                """).map { (row: Row) -> (String, Int) in (row["state"], row["n"]) })
            let cycle = try Row.fetchOne(db, sql: """
                SELECT started_at, finished_at, cases, events FROM cycle ORDER BY id DESC LIMIT 1
                """).map {
                DispatcherStatus.Cycle(startedAt: $0["started_at"], finishedAt: $0["finished_at"], cases: $0["cases"],
                                       events: $0["events"])
            }
            let disabled = try Row.fetchAll(db, sql: """
                SELECT subscriber_id, channel, reason, created_at FROM suppression WHERE channel = 'webhook'
                ORDER BY subscriber_id
                """).map {
                DispatcherStatus.Suppression(subscriberID: $0["subscriber_id"], channel: .webhook, reason: $0["reason"],
                                             since: $0["created_at"])
            }
            return DispatcherStatus(
                registrySize: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_snapshot") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                lastCycle: cycle,
                queueDepth: (counts["pending"] ?? 0) + (counts["retrying"] ?? 0) + (counts["sending"] ?? 0),
                deadLetters: counts["dead"] ?? 0, delivered: counts["delivered"] ?? 0,
                disabledEndpoints: disabled,
                unsubscribed: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suppression WHERE channel = 'email'") ?? 0,
                feeds: feeds)
        }
    }
}
