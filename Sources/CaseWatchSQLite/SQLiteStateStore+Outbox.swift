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
                secret_env, state, attempts, next_attempt_at, first_due_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)
            """)
        let whole = try db.cachedStatement(sql: "INSERT INTO outbox_payload (outbox_id, payload) VALUES (?, ?)")
        let laidOut = try db.cachedStatement(sql: """
            INSERT INTO outbox_laid_out_payload (outbox_id, own, layout) VALUES (?, ?, ?)
            """)
        let stamp = Timestamp.iso8601(now)
        for draft in drafts {
            try statement.execute(arguments: [
                draft.eventID, draft.subscriberID, draft.channel.rawValue, draft.generation, draft.recipient,
                draft.messageID, draft.secretEnv, (draft.dueAt ?? now).timeIntervalSince1970,
                (draft.dueAt ?? now).timeIntervalSince1970, stamp, stamp,
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
                last_error = v.column4, updated_at = v.column5, deferrals = deferrals + v.column6
            FROM (VALUES \(repeatElement("(?, ?, ?, ?, ?, ?)", count: attempts.count).joined(separator: ", "))) AS v
            WHERE outbox.id = v.column1
            """)
        let now = Timestamp.iso8601(Date())
        var logValues: [(any DatabaseValueConvertible)?] = []
        var updateValues: [(any DatabaseValueConvertible)?] = []
        logValues.reserveCapacity(attempts.count * 6)
        updateValues.reserveCapacity(attempts.count * 6)
        for attempt in attempts {
            let id = attempt.job.outboxID
            logValues += [id, Timestamp.iso8601(attempt.startedAt), Int(attempt.duration * 1000), attempt.outcome.label,
                          attempt.code, attempt.outcome.detail]
            let failure: String? = if case .delivered = attempt.outcome { nil } else { attempt.outcome.detail }
            updateValues += [id, attempt.transition.state.rawValue,
                             (attempt.transition.nextAttemptAt ?? attempt.startedAt).timeIntervalSince1970, failure, now,
                             attempt.transition.deferred ? 1 : 0]
        }
        try log.execute(arguments: StatementArguments(logValues))
        try update.execute(arguments: StatementArguments(updateValues))
        // Each endpoint's health: since when it has failed without a success in between.
        let failing = try db.cachedStatement(sql: """
            INSERT INTO endpoint_health (channel, address, subscriber_id, failing_since, last_failure) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (channel, address) DO UPDATE SET failing_since = coalesce(failing_since, excluded.failing_since),
                last_failure = excluded.last_failure, subscriber_id = excluded.subscriber_id
            """)
        let healthy = try db.cachedStatement(sql: """
            UPDATE endpoint_health SET failing_since = NULL WHERE channel = ? AND address = ? AND failing_since IS NOT NULL
            """)
        // An endpoint delivered to again and again in one batch is marked healthy once (its later successes would
        // change nothing) until a failure of its own comes between, so the order still counts.
        var markedHealthy: Set<String> = []
        for attempt in attempts {
            let draft = attempt.job.draft
            let address = EndpointAddress.normalized(draft.recipient, channel: draft.channel)
            let endpoint = draft.channel.rawValue + "\u{0}" + address
            if case .delivered = attempt.outcome {
                guard markedHealthy.insert(endpoint).inserted else { continue }
            } else {
                markedHealthy.remove(endpoint)
            }
            if case .delivered = attempt.outcome {
                try healthy.execute(arguments: [draft.channel.rawValue, address])
            } else {
                try failing.execute(arguments: [draft.channel.rawValue, address, draft.subscriberID,
                                                attempt.startedAt.timeIntervalSince1970, attempt.outcome.detail])
            }
        }
        let optOut = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for attempt in attempts {
            guard let kind = attempt.transition.optOut else { continue }
            let draft = attempt.job.draft
            let reason = kind == .bounced ? "the relay refused the recipient" : attempt.outcome.detail
            try optOut.execute(arguments: [
                draft.channel.rawValue, EndpointAddress.normalized(draft.recipient, channel: draft.channel), kind.rawValue,
                reason, attempt.outcome.detail, draft.subscriberID, Timestamp.iso8601(attempt.startedAt),
            ])
        }
    }

    /// Every endpoint switched off, with the salt erased addresses are hashed with.
    package func suppressions() async throws -> Suppressions {
        let optOuts = try await optOuts()
        let salt = try await setting(Self.eraseSaltKey) ?? ""
        return Suppressions(optOuts, salt: salt)
    }

    /// The setting that holds the salt of erased addresses' hashes (made by the first erase).
    package static let eraseSaltKey = "erase_salt"

    package func optOuts() async throws -> [OptOut] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT channel, address, kind, reason, detail, subscriber_id, created_at FROM optout
                ORDER BY created_at, channel, address
                """).map { row in
                OptOut(channel: ChannelID(rawValue: row[0]), address: row[1], kind: OptOut.Kind(rawValue: row[2]) ?? .disabled,
                       reason: row[3], detail: row[4], subscriberID: row[5], since: row[6])
            }
        }
    }

    /// Records an opt-out; false when the address was opted out already (the first reason stays).
    @discardableResult
    package func optOut(_ optOut: OptOut) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [optOut.channel.rawValue, optOut.address, optOut.kind.rawValue, optOut.reason,
                                 optOut.detail, optOut.subscriberID, optOut.since])
            return db.changesCount > 0
        }
    }

    /// Lifts the opt-out of `address` on `channel` when it is of one of `kinds`; false when there was none.
    @discardableResult
    package func liftOptOut(channel: ChannelID, address: String, kinds: Set<OptOut.Kind>) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM optout WHERE channel = ? AND address = ? AND kind IN (\(kinds.map { "'\($0.rawValue)'" }
                    .joined(separator: ", ")))
                """, arguments: [channel.rawValue, address])
            return db.changesCount > 0
        }
    }
}
