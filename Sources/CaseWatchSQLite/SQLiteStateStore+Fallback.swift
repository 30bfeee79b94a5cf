import CaseWatchModel
import CaseWatchStore
import Foundation
import GRDB

/// `channels:` after queueing on SQLite: stranded entries found through the dead letters and the disabled
/// opt-outs, and each one's fall-back marked in `outbox_fallback` in the transaction that enqueues it.
extension SQLiteStateStore: ChannelFallbackStore {
    package func strandedEntries(listed: [String: Set<ChannelID>], limit: Int) async throws -> [StrandedEntry] {
        let pairs = listed.flatMap { subscriber, channels in channels.map { "\(subscriber) \($0.rawValue)" } }
        guard !pairs.isEmpty, limit > 0 else { return [] }
        let json = String(decoding: try JSONEncoder().encode(pairs.sorted()), as: UTF8.self)
        return try await read { db in
            // Settled at or after the opt-out: the entry that met the refusal, and those queued behind it. A dead
            // letter of before (its retries used up) is not stranded by the disabling.
            try Row.fetchAll(db, sql: """
                SELECT o.id, o.event_id, o.subscriber_id, o.channel, o.recipient, s.reason
                FROM outbox o
                JOIN optout s ON s.channel = o.channel AND s.kind = 'disabled'
                    AND s.address = CASE o.channel WHEN 'email' THEN lower(o.recipient) ELSE o.recipient END
                WHERE o.state = 'dead' AND o.updated_at >= s.created_at
                    AND o.subscriber_id || ' ' || o.channel IN (SELECT value FROM json_each(?))
                    AND NOT EXISTS (SELECT 1 FROM outbox_fallback f WHERE f.outbox_id = o.id)
                ORDER BY o.id LIMIT ?
                """, arguments: [json, limit]).map { row in
                StrandedEntry(outboxID: row[0], eventID: row[1], subscriberID: row[2],
                              channel: ChannelID(rawValue: row[3]), recipient: row[4], reason: row[5])
            }
        }
    }

    package func fallBack(from outboxID: Int64, to drafts: [OutboxDraft], now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO outbox_fallback (outbox_id, generation, created_at) VALUES (?, ?, ?)
                """, arguments: [outboxID, drafts.first?.generation, Timestamp.iso8601(now)])
            guard db.changesCount > 0 else { return false }
            try Self.enqueue(drafts, now: now, in: db)
            return true
        }
    }
}
