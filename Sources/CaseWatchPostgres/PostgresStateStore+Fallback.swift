import CaseWatchModel
import CaseWatchStore
import Foundation
import PostgresNIO

/// `channels:` after queueing on PostgreSQL: as on SQLite, the fall-back marked in `outbox_fallback` in the
/// transaction that enqueues it, so that two nodes sweeping at once move an alert on once.
extension PostgresStateStore: ChannelFallbackStore {
    package func strandedEntries(listed: [String: Set<ChannelID>], limit: Int) async throws -> [StrandedEntry] {
        let pairs = listed.flatMap { subscriber, channels in channels.map { "\(subscriber) \($0.rawValue)" } }.sorted()
        guard !pairs.isEmpty, limit > 0 else { return [] }
        return try await rows("""
            SELECT o.id, o.event_id, o.subscriber_id, o.channel, o.recipient, s.reason
            FROM outbox o
            JOIN optout s ON s.channel = o.channel AND s.kind = 'disabled'
                AND s.address = CASE o.channel WHEN 'email' THEN lower(o.recipient) ELSE o.recipient END
            WHERE o.state = 'dead' AND o.updated_at >= s.created_at
                AND o.subscriber_id || ' ' || o.channel = ANY(\(pairs))
                AND NOT EXISTS (SELECT 1 FROM outbox_fallback f WHERE f.outbox_id = o.id)
            ORDER BY o.id LIMIT \(limit)
            """).map { row in
            let (id, eventID, subscriberID, channel, recipient, reason) = try row.decode(
                (Int64, String, String, String, String, String).self)
            return StrandedEntry(outboxID: id, eventID: eventID, subscriberID: subscriberID,
                                 channel: ChannelID(rawValue: channel), recipient: recipient, reason: reason)
        }
    }

    package func fallBack(from outboxID: Int64, to drafts: [OutboxDraft], now: Date) async throws -> Bool {
        let logger = self.logger
        let generation = drafts.first?.generation
        let stamp = Timestamp.iso8601(now)
        return try await transaction { connection in
            let marked = try await connection.rows("""
                INSERT INTO outbox_fallback (outbox_id, generation, created_at) VALUES (\(outboxID), \(generation), \(stamp))
                ON CONFLICT (outbox_id) DO NOTHING RETURNING 1
                """, logger: logger)
            guard !marked.isEmpty else { return false }
            try await Self.enqueue(drafts, now: now, on: connection, logger: logger)
            return true
        }
    }
}
