import CaseWatchStore
import Foundation
import GRDB
import CaseWatchModel
import CaseWatchPipeline

extension SQLiteStateStore {
    /// Writes outbox entries; an entry that exists already (same event, subscriber, channel and
    /// generation) is left alone, so enqueueing twice enqueues once.
    static func enqueue(_ drafts: [OutboxDraft], now: Date, in db: Database) throws {
        var lines = StoredLines()
        try enqueue(drafts, now: now, lines: &lines, in: db)
    }

    /// `enqueue(_:now:in:)`, keeping lines shared between entries once (see `PayloadLayout`); `lines` remembers
    /// those stored already, across the chunks of one transaction.
    static func enqueue(_ drafts: [OutboxDraft], now: Date, lines: inout StoredLines, in db: Database) throws {
        guard !drafts.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO outbox (event_id, subscriber_id, channel, generation, recipient, message_id,
                secret_env, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
            """)
        let whole = try db.cachedStatement(sql: "INSERT INTO outbox_payload (outbox_id, payload) VALUES (?, ?)")
        let laidOut = try db.cachedStatement(sql: """
            INSERT INTO outbox_laid_out_payload (outbox_id, own, layout) VALUES (?, ?, ?)
            """)
        let stamp = Timestamp.iso8601(now)
        for draft in drafts {
            try statement.execute(arguments: [
                draft.eventID, draft.subscriberID, draft.channel.rawValue, draft.generation, draft.recipient,
                draft.messageID, draft.secretEnv, now.timeIntervalSince1970, stamp, stamp,
            ])
            guard db.changesCount > 0 else { continue }  // enqueued before: its payload is there already
            let outboxID = db.lastInsertedRowID
            if !draft.sharedSpans.isEmpty,
               let (own, layout) = try PayloadLayout.split(draft.payload, spans: draft.sharedSpans, lineID: { shared in
                   try lines.id(of: shared, in: db)
               })
            {
                try laidOut.execute(arguments: [outboxID, Data(own), layout])
            } else {
                try whole.execute(arguments: [outboxID, Data(draft.payload)])
            }
        }
    }

    /// Enqueues entries as `produce` makes them, chunk by chunk, in one transaction: a large fan-out is
    /// never held in memory whole, and an error anywhere (a message that cannot be built safely) rolls
    /// the whole of it back. Returns how many entries were produced.
    @discardableResult
    package func enqueue(
        now: Date, streaming produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void
    ) async throws -> Int {
        try await write { db in try Self.enqueue(now: now, streaming: produce, in: db) }
    }

    static func enqueue(now: Date, streaming produce: (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void,
                        in db: Database) throws -> Int {
        var count = 0
        var lines = StoredLines()
        try produce { chunk in
            count += chunk.count
            try enqueue(chunk, now: now, lines: &lines, in: db)
        }
        return count
    }

    /// Enqueues outside a detection (an operator's replay).
    package func enqueue(_ drafts: [OutboxDraft], now: Date) async throws {
        try await write { db in try Self.enqueue(drafts, now: now, in: db) }
    }

    /// Writes a batch of attempts and the transitions they caused, in one transaction, on a delivery lane's own
    /// thread, which may block.
    func recordBlocking(attempts: [AttemptRecord]) throws {
        guard !attempts.isEmpty else { return }
        try writeBlocking { db in try Self.record(attempts: attempts, in: db) }
    }

    static func record(attempts: [AttemptRecord], in db: Database) throws {
        // A statement per batch, not two per attempt: most of a delivery's bookkeeping was binding.
        for start in stride(from: 0, to: attempts.count, by: recordBatch) {
            let batch = attempts[start..<min(start + recordBatch, attempts.count)]
            try recordBatch(batch, in: db)
        }
    }

    /// Attempts written by one statement (and their transitions by another); SQLite allows 32,766 values.
    private static let recordBatch = 64

    private static func recordBatch(_ attempts: ArraySlice<AttemptRecord>, in db: Database) throws {
        let log = try db.cachedStatement(sql: """
            INSERT INTO attempt (outbox_id, started_at, duration_ms, outcome, code, detail) VALUES \(
                repeatElement("(?, ?, ?, ?, ?, ?)", count: attempts.count).joined(separator: ", "))
            """)
        let update = try db.cachedStatement(sql: """
            UPDATE outbox SET state = v.column2, attempts = attempts + 1, next_attempt_at = v.column3,
                last_error = v.column4, updated_at = v.column5
            FROM (VALUES \(repeatElement("(?, ?, ?, ?, ?)", count: attempts.count).joined(separator: ", "))) AS v
            WHERE outbox.id = v.column1
            """)
        let now = Timestamp.iso8601(Date())
        var logValues: [(any DatabaseValueConvertible)?] = []
        var updateValues: [(any DatabaseValueConvertible)?] = []
        logValues.reserveCapacity(attempts.count * 6)
        updateValues.reserveCapacity(attempts.count * 5)
        for attempt in attempts {
            let id = attempt.job.outboxID
            logValues += [id, Timestamp.iso8601(attempt.startedAt), Int(attempt.duration * 1000), attempt.outcome.label,
                          attempt.code, attempt.outcome.detail]
            let failure: String? = if case .delivered = attempt.outcome { nil } else { attempt.outcome.detail }
            updateValues += [id, attempt.transition.state.rawValue,
                             (attempt.transition.nextAttemptAt ?? attempt.startedAt).timeIntervalSince1970, failure, now]
        }
        try log.execute(arguments: StatementArguments(logValues))
        try update.execute(arguments: StatementArguments(updateValues))
        let disable = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO suppression (subscriber_id, channel, reason, created_at) VALUES (?, ?, ?, ?)
            """)
        for attempt in attempts where attempt.transition.disablesEndpoint {
            try disable.execute(arguments: [attempt.job.draft.subscriberID, attempt.job.draft.channel.rawValue,
                                            attempt.outcome.detail, Timestamp.iso8601(attempt.startedAt)])
        }
    }

    /// The channels switched off: unsubscribed e-mail, disabled webhooks.
    package func suppressions() async throws -> Suppressions {
        try await read { db in
            var suppressions = Suppressions()
            for row in try Row.fetchAll(db, sql: "SELECT subscriber_id, channel FROM suppression") {
                suppressions.insert(subscriberID: row["subscriber_id"], channel: ChannelID(rawValue: row["channel"]))
            }
            return suppressions
        }
    }

    /// Records an unsubscribe or a disabled endpoint; returns false when it was already in place.
    @discardableResult
    package func suppress(subscriberID: String, channel: ChannelID, reason: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO suppression (subscriber_id, channel, reason, created_at) VALUES (?, ?, ?, ?)
                """, arguments: [subscriberID, channel.rawValue, reason, Timestamp.iso8601(now)])
            return db.changesCount > 0
        }
    }

    /// Lifts a suppression (an operator enables a webhook again); returns false when there was none.
    @discardableResult
    package func unsuppress(subscriberID: String, channel: ChannelID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM suppression WHERE subscriber_id = ? AND channel = ?",
                           arguments: [subscriberID, channel.rawValue])
            return db.changesCount > 0
        }
    }
}
