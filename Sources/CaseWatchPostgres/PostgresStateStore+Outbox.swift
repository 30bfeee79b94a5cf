import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import PostgresNIO

extension PostgresStateStore {
    static func enqueue(_ drafts: [OutboxDraft], now: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let stamp = Timestamp.iso8601(now)
        for draft in drafts {
            let due = (draft.dueAt ?? now).timeIntervalSince1970
            let inserted = try await connection.rows("""
                INSERT INTO outbox (event_id, subscriber_id, channel, generation, recipient, message_id, secret_env,
                    state, attempts, next_attempt_at, first_due_at, created_at, updated_at)
                VALUES (\(draft.eventID), \(draft.subscriberID), \(draft.channel.rawValue), \(draft.generation),
                    \(draft.recipient), \(draft.messageID), \(draft.secretEnv), 'pending', 0, \(due), \(due), \(stamp),
                    \(stamp))
                ON CONFLICT (event_id, subscriber_id, channel, generation) DO NOTHING RETURNING id
                """, logger: logger)
            guard let row = inserted.first else { continue }
            let id = try row.decode(Int64.self)
            try await connection.execute("""
                INSERT INTO outbox_payload (outbox_id, payload) VALUES (\(id), \(Data(draft.payload)))
                """, logger: logger)
        }
    }

    package func enqueue(_ drafts: [OutboxDraft], now: Date) async throws {
        let logger = self.logger
        try await transaction { connection in try await Self.enqueue(drafts, now: now, on: connection, logger: logger) }
    }

    package func enqueue(
        now: Date, streaming produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void
    ) async throws -> Int {
        let logger = self.logger
        return try await transaction { connection in
            var count = 0
            try await DraftStream.run(produce) { chunk in
                try await Self.enqueue(chunk, now: now, on: connection, logger: logger)
                count += chunk.count
            }
            return count
        }
    }

    package func claims(dueAt cutoff: Date, owner: String) -> any ClaimSession {
        PostgresClaimSession(store: self, cutoff: cutoff, owner: owner)
    }

    package func rescueExpiredLeases(now: Date) async throws -> Int {
        try await rows("""
            UPDATE outbox SET lease_owner = NULL, lease_until = NULL
            WHERE lease_until IS NOT NULL AND lease_until < \(now.timeIntervalSince1970)
                AND state IN ('pending', 'retrying')
            RETURNING id
            """).count
    }

    package func requeue(outboxID: Int64, now: Date) async throws -> OutboxEntry? {
        let at = now.timeIntervalSince1970
        return try await rows("""
            UPDATE outbox SET state = 'pending', attempts = 0, deferrals = 0, next_attempt_at = \(at), first_due_at = \(at),
                updated_at = \(Timestamp.iso8601(now)), lease_owner = NULL, lease_until = NULL
            WHERE id = \(outboxID)
            RETURNING \(unescaped: Self.entryColumns)
            """).first.map(Self.entry)
    }

    package func nextGeneration(eventID: String) async throws -> Int {
        (try await rows("SELECT max(generation) FROM outbox WHERE event_id = \(eventID)").first?.decode(Int?.self) ?? nil)
            .map { $0 + 1 } ?? 0
    }

    static let entryColumns = """
        id, event_id, subscriber_id, channel, generation, state, attempts, next_attempt_at, last_error, message_id,
        created_at, updated_at
        """

    static func entry(_ row: PostgresRow) throws -> OutboxEntry {
        let (id, eventID, subscriberID, channel, generation, stateName, attempts, next, lastError, messageID, created,
             updated) = try row.decode((Int64, String, String, String, Int, String, Int, Double, String?, String, String,
                                        String).self)
        let state = OutboxState(rawValue: stateName) ?? .pending
        return OutboxEntry(
            id: id, eventID: eventID, subscriberID: subscriberID, channel: ChannelID(rawValue: channel),
            generation: generation, state: state, attempts: attempts,
            nextAttemptAt: state == .pending || state == .retrying ? Date(timeIntervalSince1970: next) : nil,
            lastError: lastError, messageID: messageID, createdAt: created, updatedAt: updated)
    }

    package func outboxEntries(states: [OutboxState]?, limit: Int) async throws -> [OutboxEntry] {
        if let states {
            return try await rows("""
                SELECT \(unescaped: Self.entryColumns) FROM outbox WHERE state = ANY(\(states.map(\.rawValue)))
                ORDER BY id DESC LIMIT \(limit)
                """).map(Self.entry)
        }
        return try await rows("SELECT \(unescaped: Self.entryColumns) FROM outbox ORDER BY id DESC LIMIT \(limit)")
            .map(Self.entry)
    }

    package func outboxEntries(eventID: String, generation: Int) async throws -> [OutboxEntry] {
        try await rows("""
            SELECT \(unescaped: Self.entryColumns) FROM outbox WHERE event_id = \(eventID) AND generation = \(generation)
            ORDER BY id
            """).map(Self.entry)
    }

    package func attempts(outboxID: Int64) async throws -> [DeliveryAttempt] {
        try await rows("""
            SELECT started_at, outcome, code, detail FROM attempt WHERE outbox_id = \(outboxID) ORDER BY id
            """).map { row in
            let (started, outcome, code, detail) = try row.decode((String, String, Int?, String?).self)
            return DeliveryAttempt(startedAt: started, outcome: outcome, code: code, detail: detail ?? "")
        }
    }

    package func status() async throws -> DispatcherStatus {
        var counts: [String: Int] = [:]
        for row in try await rows("SELECT state, COUNT(*) FROM outbox GROUP BY state") {
            let (state, count) = try row.decode((String, Int).self)
            counts[state] = count
        }
        let cycle = try await rows("SELECT started_at, finished_at, cases, events FROM cycle ORDER BY id DESC LIMIT 1")
            .first.map { row in
                let (started, finished, cases, events) = try row.decode((String, String, Int, Int).self)
                return DispatcherStatus.Cycle(startedAt: started, finishedAt: finished, cases: cases, events: events)
            }
        let disabled = try await rows("""
            SELECT coalesce(subscriber_id, ''), channel, reason, created_at FROM optout WHERE kind = 'disabled'
            ORDER BY 1, channel
            """).map { row in
            let (subscriber, channel, reason, since) = try row.decode((String, String, String, String).self)
            return DispatcherStatus.Suppression(subscriberID: subscriber, channel: ChannelID(rawValue: channel),
                                                reason: reason, since: since)
        }
        let feeds = try await rows("""
            SELECT source, fetched_at, last_error FROM source_state WHERE signature IS NULL ORDER BY source
            """).map { row in
            let (source, fetched, error) = try row.decode((String, String?, String?).self)
            return DispatcherStatus.Feed(url: source, lastGoodFetch: fetched, lastError: error)
        }
        return DispatcherStatus(
            registrySize: try await caseCount(),
            events: try await rows("SELECT COUNT(*) FROM event").first?.decode(Int.self) ?? 0,
            lastCycle: cycle,
            queueDepth: (counts["pending"] ?? 0) + (counts["retrying"] ?? 0),
            deadLetters: counts["dead"] ?? 0, delivered: counts["delivered"] ?? 0, disabledEndpoints: disabled,
            unsubscribed: try await rows("""
                SELECT COUNT(*) FROM optout WHERE channel = 'email' AND kind != 'disabled'
                """).first?.decode(Int.self) ?? 0,
            feeds: feeds)
    }
}
