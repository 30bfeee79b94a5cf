import CaseWatchStore
import Foundation
import GRDB
import CaseWatchModel
import CaseWatchPipeline

/// Handing due outbox entries to the delivery lanes.
extension SQLiteStateStore {
    /// One delivery run's claims: a cursor through the queue index (see ``SQLiteClaimSession``).
    package func claims(dueAt cutoff: Date, owner: String) -> any ClaimSession {
        SQLiteClaimSession(store: self, cutoff: cutoff)
    }

    /// SQLite's claims hold no lease: one process works at a time, under the run lock, and a claim writes nothing,
    /// so an entry a crashed run was sending is simply still due.
    package func rescueExpiredLeases(now: Date) async throws -> Int { 0 }

    /// Up to `limit` entries that are due, oldest first, after `cursor` in the queue; and the cursor after them.
    ///
    /// A claim writes nothing for the entries it hands out: they stay pending (or retrying) until their outcome
    /// is recorded, and the cycle's cursor keeps it from handing them out twice. A crash before the outcome is
    /// recorded leaves them due, and the next run sends them again with the same Message-ID / webhook-id.
    /// Entries of a channel switched off since they were queued (an unsubscribe, a webhook answering 410) are
    /// settled as they come due: kept as dead letters with the reason, never sent.
    func claimDueBlocking(now: Date, limit: Int, after cursor: ClaimCursor) throws
        -> (jobs: [DeliveryJob], cursor: ClaimCursor)
    {
        try writeBlocking { db in try Self.claimDue(now: now, limit: limit, after: cursor, in: db) }
    }

    static func claimDue(now: Date, limit: Int, after start: ClaimCursor, in db: Database) throws
        -> (jobs: [DeliveryJob], cursor: ClaimCursor)
    {
        // The queue index holds only entries waiting to be sent, in order: a claim reads `limit` rows of it from
        // the cursor on, however many delivered entries the outbox keeps. (The entries before the cursor still in
        // it are the few in flight, their outcomes not recorded yet.)
        // Silences active now; only when there are any does a claim look up each entry's event (case and type).
        let silences = try silences(activeAt: now, in: db)
        let due = try db.cachedStatement(sql: """
            SELECT o.id, o.event_id, o.subscriber_id, o.channel, o.generation, o.recipient, o.message_id,
                o.secret_env, o.attempts, s.reason AS suppressed, o.next_attempt_at, o.deferrals, o.first_due_at,
                \(silences.isEmpty ? "NULL, NULL" : "e.case_id, e.type")
            FROM outbox o INDEXED BY outbox_queue
            LEFT JOIN optout s ON s.channel = o.channel
                AND s.address = CASE o.channel WHEN 'email' THEN lower(o.recipient) ELSE o.recipient END
            \(silences.isEmpty ? "" : "LEFT JOIN event e ON e.id = o.event_id")
            WHERE o.state IN ('pending', 'retrying') AND o.next_attempt_at <= ? AND (o.next_attempt_at, o.id) > (?, ?)
            ORDER BY o.next_attempt_at, o.id LIMIT ?
            """)
        let settle = try db.cachedStatement(sql: """
            UPDATE outbox SET state = 'dead', updated_at = ?, last_error = 'not sent: ' || ? WHERE id = ?
            """)
        let silence = try db.cachedStatement(sql: """
            UPDATE outbox SET state = 'silenced', updated_at = ?, last_error = ? WHERE id = ?
            """)
        let stamp = Timestamp.iso8601(now)
        var cursor = start
        // Each pass moves the cursor past every row it reads, so the passes end.
        while true {
            let rows = try Row.fetchAll(due, arguments: [now.timeIntervalSince1970, cursor.nextAttemptAt, cursor.id, limit])
            guard let last = rows.last else { return ([], cursor) }
            cursor = ClaimCursor(nextAttemptAt: last[Due.nextAttemptAt], id: last[Due.id])
            var waiting: [Row] = []
            for row in rows {
                if let reason: String = row[Due.suppressed] {
                    try settle.execute(arguments: [stamp, reason, row[Due.id] as Int64])
                } else if let match = silences.first(where: {
                    $0.matches(caseID: row[Due.caseID], type: row[Due.type], subscriberID: row[Due.subscriberID])
                }) {
                    try silence.execute(arguments: [stamp, match.note, row[Due.id] as Int64])
                } else {
                    waiting.append(row)
                }
            }
            let (jobs, unsendable) = try jobs(for: waiting, in: db)
            // An entry whose stored payload cannot be read whole is kept as a dead letter saying so; it never
            // holds up the entries behind it.
            for (id, reason) in unsendable { try settle.execute(arguments: [stamp, reason, id]) }
            if !jobs.isEmpty { return (jobs, cursor) }
        }
    }

    /// The jobs of `rows` (of `claimDue`), their payloads read and put back together, and the entries that
    /// cannot be sent, with why.
    private static func jobs(for rows: [Row], in db: Database) throws
        -> (jobs: [DeliveryJob], unsendable: [(id: Int64, reason: String)])
    {
        guard !rows.isEmpty else { return ([], []) }
        let ids = rows.map { (row: Row) -> Int64 in row[Due.id] }.map(String.init).joined(separator: ",")
        var payloads: [Int64: Result<[UInt8], PayloadLayout.Damaged>] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT outbox_id, payload FROM outbox_payload WHERE outbox_id IN (\(ids))") {
            let stored: Data = row[1]
            payloads[row[0]] = .success(Array(stored))
        }
        var lines: [Int64: [UInt8]] = [:]
        let laidOut = try Row.fetchAll(db, sql: """
            SELECT outbox_id, own, layout FROM outbox_laid_out_payload WHERE outbox_id IN (\(ids))
            """)
        for row in laidOut {
            let own: Data = row[1]
            let layout: String = row[2]
            do {
                payloads[row[0]] = .success(try PayloadLayout.join(own: Array(own), layout: layout) { linesID in
                    if let known = lines[linesID] { return known }
                    let bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM outbox_lines WHERE id = ?",
                                                  arguments: [linesID]).map(Array.init)
                    if let bytes { lines[linesID] = bytes }
                    return bytes
                })
            } catch let damaged as PayloadLayout.Damaged {
                payloads[row[0]] = .failure(damaged)
            }
        }
        var jobs: [DeliveryJob] = []
        var unsendable: [(id: Int64, reason: String)] = []
        for row in rows {
            let id: Int64 = row[Due.id]
            let channelName: String = row[Due.channel]
            let channel = ChannelID(rawValue: channelName)
            switch payloads[id] {
            case .success(let payload):
                let draft = OutboxDraft(
                    eventID: row[Due.eventID], subscriberID: row[Due.subscriberID], channel: channel,
                    recipient: row[Due.recipient], messageID: row[Due.messageID], payload: payload,
                    secretEnv: row[Due.secretEnv], generation: row[Due.generation])
                let firstDue: Double? = row[Due.firstDueAt]
                jobs.append(DeliveryJob(outboxID: id, draft: draft, attempts: row[Due.attempts],
                                        deferrals: row[Due.deferrals],
                                        firstDueAt: firstDue.map(Date.init(timeIntervalSince1970:))))
            case .failure(let damaged):
                unsendable.append((id, "the stored message is damaged: \(damaged)"))
            case nil:
                unsendable.append((id, "the stored message is missing"))
            }
        }
        return (jobs, unsendable)
    }

    /// The columns of the due-entries query, by position (cheaper than by name, once per claimed row).
    private enum Due {
        static let id = 0, eventID = 1, subscriberID = 2, channel = 3, generation = 4, recipient = 5, messageID = 6,
            secretEnv = 7, attempts = 8, suppressed = 9, nextAttemptAt = 10, deferrals = 11, firstDueAt = 12,
            caseID = 13, type = 14
    }
}

/// How far one delivery cycle's claims have got in the queue: the order key of the last entry they read.
struct ClaimCursor: Sendable, Equatable {
    var nextAttemptAt: Double
    var id: Int64

    /// Before every entry.
    static let start = ClaimCursor(nextAttemptAt: -Double.greatestFiniteMagnitude, id: Int64.min)
}

/// A delivery run's claims on SQLite: a cursor through the queue index, so that no entry is handed out twice in
/// the run while claims write nothing. The lease is the run lock: no other run works meanwhile.
final class SQLiteClaimSession: ClaimSession, @unchecked Sendable {  // `cursor` is guarded by `lock`
    private let store: SQLiteStateStore
    private let cutoff: Date
    private let lock = NSLock()
    private var cursor = ClaimCursor.start

    init(store: SQLiteStateStore, cutoff: Date) {
        self.store = store
        self.cutoff = cutoff
    }

    func claim(limit: Int) throws -> [DeliveryJob] {
        try lock.withLock {
            let (jobs, next) = try store.claimDueBlocking(now: cutoff, limit: limit, after: cursor)
            cursor = next
            return jobs
        }
    }

    func complete(_ attempts: [AttemptRecord]) throws {
        try store.recordBlocking(attempts: attempts)
    }
}
