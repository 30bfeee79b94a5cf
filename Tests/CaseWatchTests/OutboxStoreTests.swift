import CaseWatchTesting
import Foundation
import GRDB
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

/// The outbox's store against a real SQLite file: what a claim hands out, what it settles, what survives a
/// migration, what a batch of outcomes writes.
@Suite("Outbox store")
struct OutboxStoreTests {
    let directory: TemporaryDirectory
    var path: String { directory.url.appendingPathComponent("casewatch.sqlite").path }
    static let now = Date(timeIntervalSince1970: 1_764_240_000)

    init() throws {
        directory = try TemporaryDirectory("casewatch-outbox-store")
    }

    static func webhook(_ subscriber: String, event: String = "evt_1") -> OutboxDraft {
        OutboxDraft(eventID: event, subscriberID: subscriber, channel: .webhook, recipient: "https://hooks.example.org/\(subscriber)",
                    messageID: "msg_\(subscriber)", payload: Array("{\"to\":\"\(subscriber)\"}".utf8), secretEnv: "S")
    }

    func count(_ store: SQLiteStateStore, _ sql: String) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test("more switched-off entries than a claim takes: they are settled and the claim still hands out the rest")
    func suppressedAheadOfTheRest() async throws {
        let store = try SQLiteStateStore(path: path)
        try await store.enqueue((0..<10).map { Self.webhook("gone", event: "evt_\($0)") }, now: Self.now)
        try await store.enqueue(["a", "b", "c"].map { Self.webhook($0) }, now: Self.now.addingTimeInterval(1))
        try await store.optOut(OptOut(channel: .webhook, address: "https://hooks.example.org/gone", kind: .disabled,
                                      reason: "HTTP 410", since: "2026-01-01T00:00:00Z"))

        // Passes of four: two of switched-off entries only, then the last two of them with "a" and "b".
        let later = Self.now.addingTimeInterval(2)
        let (claimed, cursor) = try await store.claimDue(now: later, limit: 4)
        #expect(claimed.map(\.draft.subscriberID) == ["a", "b"])
        #expect(claimed.map { String(decoding: $0.draft.payload, as: UTF8.self) } == ["a", "b"].map { "{\"to\":\"\($0)\"}" })
        #expect(try await count(store, "SELECT count(*) FROM outbox WHERE state = 'dead' AND last_error = 'not sent: HTTP 410'") == 10)
        let (next, end) = try await store.claimDue(now: later, limit: 4, after: cursor)
        #expect(next.map(\.draft.subscriberID) == ["c"])
        #expect(try await store.claimDue(now: later, limit: 4, after: end).jobs.isEmpty)
        // A claim writes nothing for what it hands out: until their outcomes are recorded, a crash leaves them due.
        #expect(try await count(store, "SELECT count(*) FROM outbox WHERE state = 'pending'") == 3)
        #expect(try await store.claimDue(now: later, limit: 4).jobs.map(\.draft.subscriberID) == ["a", "b", "c"])
    }

    @Test("an entry whose stored message is damaged or missing is a dead letter saying so, and does not hold up the rest")
    func damagedPayload() async throws {
        let store = try SQLiteStateStore(path: path)
        try await store.enqueue(["a", "b", "c"].map { Self.webhook($0) }, now: Self.now)
        try await store.pool.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM outbox ORDER BY id")
            try db.execute(sql: "DELETE FROM outbox_payload WHERE outbox_id = ?", arguments: [ids[0]])
            try db.execute(sql: "DELETE FROM outbox_payload WHERE outbox_id = ?", arguments: [ids[1]])
            try db.execute(sql: "INSERT INTO outbox_laid_out_payload (outbox_id, own, layout) VALUES (?, x'00', '9|99:0:8')",
                           arguments: [ids[1]])
        }
        let claimed = try await store.claimDue(now: Self.now, limit: 10).jobs
        #expect(claimed.map(\.draft.subscriberID) == ["c"])
        let errors = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT last_error FROM outbox WHERE state = 'dead' ORDER BY id")
        }
        #expect(errors == ["not sent: the stored message is missing",
                           "not sent: the stored message is damaged: its layout \"9|99:0:8\" does not fit its octets or "
                               + "names lines the store does not have"])
    }

    @Test("entries queued before the shared lines and the queue index are sent after the migration, unchanged")
    func migratedFromV7() async throws {
        let queue = try DatabaseQueue(path: path)
        try SQLiteMigration.migrator.migrate(queue, upTo: "v7-hearing-moment")
        let payload = Array("Subject: before the upgrade\r\n\r\nbody\r\n".utf8)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO outbox (event_id, subscriber_id, channel, generation, recipient, message_id, secret_env,
                    state, attempts, next_attempt_at, created_at, updated_at)
                VALUES ('evt_old', 'lawyer', 'email', 0, 'lawyer@example.org', 'old@example.org', NULL, 'retrying', 2,
                    ?, 'then', 'then')
                """, arguments: [Self.now.timeIntervalSince1970])
            try db.execute(sql: "INSERT INTO outbox_payload (outbox_id, payload) VALUES (?, ?)",
                           arguments: [db.lastInsertedRowID, Data(payload)])
        }
        try queue.close()

        let store = try SQLiteStateStore(path: path)
        let claimed = try await store.claimDue(now: Self.now, limit: 10).jobs
        #expect(claimed.count == 1)
        #expect(claimed.first?.draft.payload == payload && claimed.first?.attempts == 2)
        #expect(claimed.first?.draft.messageID == "old@example.org")
    }

    @Test("a store a newer CaseWatch has migrated is refused, not used")
    func newerStore() async throws {
        let store = try SQLiteStateStore(path: path)
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        #expect { try SQLiteStateStore(path: path) } throws: { ($0 as? StoreError)?.kind == .newerSchema }
    }

    @Test("outcomes of more deliveries than one statement writes are all recorded")
    func recordManyOutcomes() async throws {
        let store = try SQLiteStateStore(path: path)
        try await store.enqueue((0..<150).map { Self.webhook("s\($0)") }, now: Self.now)
        let jobs = try await store.claimDue(now: Self.now, limit: 1000).jobs
        #expect(jobs.count == 150)
        let policy = RetryPolicy(schedule: [60])
        let attempts = jobs.enumerated().map { index, job -> AttemptRecord in
            let outcome: DeliveryOutcome = index % 3 == 0 ? .retryable(reason: "HTTP 500") : .delivered(detail: "HTTP 204")
            return AttemptRecord(job: job, outcome: outcome,
                                 transition: .after(outcome, attempts: 1, policy: policy, now: Self.now, jitter: 0),
                                 startedAt: Self.now, duration: 0.01, code: index % 3 == 0 ? 500 : 204)
        }
        try await store.record(attempts: attempts)
        #expect(try await count(store, "SELECT count(*) FROM attempt") == 150)
        #expect(try await count(store, "SELECT count(*) FROM outbox WHERE state = 'delivered' AND attempts = 1") == 100)
        #expect(try await count(store, """
            SELECT count(*) FROM outbox WHERE state = 'retrying' AND attempts = 1 AND last_error = 'HTTP 500'
                AND next_attempt_at = \(Self.now.timeIntervalSince1970 + 60)
            """) == 50)
        #expect(try await count(store, "SELECT count(DISTINCT outbox_id) FROM attempt WHERE code = 204") == 100)
    }
}

extension SQLiteStateStore {
    /// One claim from `cursor` on, as a delivery run's session makes them.
    func claimDue(now: Date, limit: Int, after cursor: ClaimCursor = .start) async throws
        -> (jobs: [DeliveryJob], cursor: ClaimCursor)
    {
        try claimDueBlocking(now: now, limit: limit, after: cursor)
    }

    func record(attempts: [AttemptRecord]) async throws {
        try recordBlocking(attempts: attempts)
    }
}
