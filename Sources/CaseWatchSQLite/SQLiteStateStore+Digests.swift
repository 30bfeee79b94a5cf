import CaseWatchStore
import Foundation
import GRDB
import CaseWatchModel
import CaseWatchPipeline

extension SQLiteStateStore {
    /// A digest subscriber's state; the first time it is asked for, the subscriber starts from now and
    /// from the newest event (a new subscriber is not sent the past).
    package func digestState(subscriberID: String, now: Date) async throws -> DigestState {
        try await write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO digest_state (subscriber_id, last_slot_at, last_event_seq)
                VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) FROM event))
                """, arguments: [subscriberID, now.timeIntervalSince1970])
            let row = try Row.fetchOne(db, sql: """
                SELECT last_slot_at, last_event_seq FROM digest_state WHERE subscriber_id = ?
                """, arguments: [subscriberID])!
            return DigestState(subscriberID: subscriberID, lastSlotAt: Date(timeIntervalSince1970: row[0]),
                               lastEventSeq: row[1])
        }
    }

    package func digestProgress(subscriberID: String) async throws -> DigestState? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT last_slot_at, last_event_seq FROM digest_state WHERE subscriber_id = ?",
                             arguments: [subscriberID]).map {
                DigestState(subscriberID: subscriberID, lastSlotAt: Date(timeIntervalSince1970: $0[0]), lastEventSeq: $0[1])
            }
        }
    }

    /// Events recorded after `seq`, with their sequence numbers, oldest first.
    package func events(afterSeq seq: Int64) async throws -> [(seq: Int64, event: CaseEvent)] {
        try await read { db in
            let decoder = JSONDecoder.caseWatch
            return try Row.fetchAll(db, sql: "SELECT json, withdraw_reason, seq FROM event WHERE seq > ? ORDER BY seq",
                                    arguments: [seq])
                .map { row in (row[2], try Self.event(from: row, decoder)) }
        }
    }

    /// Moves a subscriber's digest on to `state` and enqueues its message, in one transaction: a crash
    /// leaves either both or neither, so a slot is never sent twice nor lost.
    package func advanceDigest(to state: DigestState, delivery: OutboxDraft?, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE digest_state SET last_slot_at = ?, last_event_seq = ? WHERE subscriber_id = ?
                """, arguments: [state.lastSlotAt.timeIntervalSince1970, state.lastEventSeq, state.subscriberID])
            if let delivery { try Self.enqueue([delivery], now: now, in: db) }
        }
    }
}
