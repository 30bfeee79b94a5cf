import Foundation
import GRDB
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore

extension SQLiteStateStore {
    /// Outbox entries, newest first, optionally in some states only.
    package func outboxEntries(states: [OutboxState]?, limit: Int) async throws -> [OutboxEntry] {
        let filter = states.map { "WHERE state IN (" + $0.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")" } ?? ""
        return try await read { db in
            try Row.fetchAll(db, sql: "\(Self.entryColumns) FROM outbox \(filter) ORDER BY id DESC LIMIT ?",
                             arguments: [limit]).map(Self.entry)
        }
    }

    /// Every entry of one event's delivery (`generation` 0) or of one of its replays, oldest first.
    package func outboxEntries(eventID: String, generation: Int) async throws -> [OutboxEntry] {
        try await read { db in
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
            channel: ChannelID(rawValue: row["channel"]), generation: row["generation"], state: state,
            attempts: row["attempts"],
            nextAttemptAt: state == .retrying || state == .pending ? Date(timeIntervalSince1970: next) : nil,
            lastError: row["last_error"], messageID: row["message_id"], createdAt: row["created_at"],
            updatedAt: row["updated_at"])
    }

    /// Re-queues one entry now, with a fresh retry schedule; nil when there is no such entry.
    package func requeue(outboxID: Int64, now: Date) async throws -> OutboxEntry? {
        try await write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', attempts = 0, deferrals = 0, next_attempt_at = ?, first_due_at = ?,
                    updated_at = ?
                WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, Timestamp.iso8601(now), outboxID])
            return try Row.fetchOne(db, sql: """
                SELECT id, event_id, subscriber_id, channel, generation, state, attempts, next_attempt_at, last_error,
                    message_id, created_at, updated_at FROM outbox WHERE id = ?
                """, arguments: [outboxID]).map(Self.entry)
        }
    }

    /// The next replay generation of an event: one more than any it was delivered with.
    package func nextGeneration(eventID: String) async throws -> Int {
        try await read { db in
            (try Int.fetchOne(db, sql: "SELECT MAX(generation) FROM outbox WHERE event_id = ?", arguments: [eventID])
                ?? -1) + 1
        }
    }

    /// The attempts of one entry, oldest first.
    package func attempts(outboxID: Int64) async throws -> [DeliveryAttempt] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT started_at, outcome, code, detail FROM attempt WHERE outbox_id = ? ORDER BY id
                """, arguments: [outboxID]).map {
                DeliveryAttempt(startedAt: $0["started_at"], outcome: $0["outcome"], code: $0["code"], detail: $0["detail"])
            }
        }
    }

    package func status() async throws -> DispatcherStatus {
        let feeds = try await feedStates()
        return try await read { db in
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
                SELECT coalesce(subscriber_id, '') AS subscriber_id, channel, reason, created_at FROM optout
                WHERE kind = 'disabled' ORDER BY subscriber_id, channel
                """).map {
                DispatcherStatus.Suppression(subscriberID: $0["subscriber_id"], channel: ChannelID(rawValue: $0["channel"]),
                                             reason: $0["reason"],
                                             since: $0["created_at"])
            }
            return DispatcherStatus(
                registrySize: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_snapshot") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                lastCycle: cycle,
                queueDepth: (counts["pending"] ?? 0) + (counts["retrying"] ?? 0),
                deadLetters: counts["dead"] ?? 0, delivered: counts["delivered"] ?? 0,
                disabledEndpoints: disabled,
                unsubscribed: try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM optout WHERE channel = 'email' AND kind != 'disabled'
                    """) ?? 0,
                feeds: feeds)
        }
    }
}
