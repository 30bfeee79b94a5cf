import CaseWatchModel
import CaseWatchPipeline
@testable import CaseWatchSQLite
import CaseWatchStore
import CaseWatchTesting
import Foundation
import GRDB
import Testing

/// `retention`: delivered messages and attempts pruned in short batches, while deliveries go on beside it.
@Suite("Retention")
struct RetentionTests {
    let directory: TemporaryDirectory
    var path: String { directory.url.appendingPathComponent("casewatch.sqlite").path }

    init() throws {
        directory = try TemporaryDirectory("casewatch-retention")
    }

    static func draft(_ subscriber: String, event: String) -> OutboxDraft {
        OutboxDraft(eventID: event, subscriberID: subscriber, channel: .webhook,
                    recipient: "https://hooks.example.org/\(subscriber)", messageID: "msg_\(subscriber)_\(event)",
                    payload: Array("{\"to\":\"\(subscriber)\",\"event\":\"\(event)\"}".utf8), secretEnv: "S")
    }

    /// Claims and completes, as delivered, everything due at `now`.
    static func deliverAll(_ store: SQLiteStateStore, now: Date) throws -> Int {
        let session = store.claims(dueAt: now, owner: "test")
        var count = 0
        while case let jobs = try session.claim(limit: 64), !jobs.isEmpty {
            try session.complete(jobs.map { job in
                AttemptRecord(job: job, outcome: .delivered(detail: "HTTP 204"),
                              transition: OutboxTransition(state: .delivered, nextAttemptAt: nil), startedAt: now,
                              duration: 0.001, code: 204)
            })
            count += jobs.count
        }
        return count
    }

    func count(_ store: SQLiteStateStore, _ sql: String) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test("delivered entries lose their messages and attempts in batches while a delivery runs beside it; the entries and their Message-IDs stay")
    func pruneBesideDelivery() async throws {
        let store = try SQLiteStateStore(path: path)
        let now = Date()
        try await store.enqueue((0..<1_500).map { Self.draft("s\($0 % 50)", event: "evt_old_\($0)") }, now: now)
        #expect(try Self.deliverAll(store, now: now) == 1_500)
        try await store.enqueue((0..<1_000).map { Self.draft("s\($0 % 50)", event: "evt_new_\($0)") }, now: now)
        // Pruning everything delivered before the cutoff, in batches of 100, while the new entries are delivered.
        async let delivered = Task.detached { try Self.deliverAll(store, now: now) }.value
        let report = try await store.prune(deliveredBefore: now.addingTimeInterval(3_600), keepingSources: [],
                                           batchSize: 100, maxBatches: 100)
        #expect(try await delivered == 1_000)
        #expect(report.entries >= 1_500 && report.attempts >= 1_500)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox") == 2_500, "entries stay")
        #expect(try await count(store, "SELECT COUNT(DISTINCT message_id) FROM outbox") == 2_500, "with their Message-IDs")
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox WHERE state != 'delivered'") == 0, "nothing lost")
        // What the pruning met delivered was pruned; a second pass takes the rest, and then nothing is left.
        let rest = try await store.prune(deliveredBefore: now.addingTimeInterval(3_600), keepingSources: [],
                                         batchSize: 100, maxBatches: 100)
        #expect(report.entries + rest.entries == 2_500)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox_payload") == 0)
        #expect(try await count(store, "SELECT COUNT(*) FROM attempt") == 0)
        #expect(try await store.prune(deliveredBefore: now.addingTimeInterval(3_600), keepingSources: [], batchSize: 100,
                                      maxBatches: 100) == PruneReport())
    }

    @Test("entries newer than the cutoff, and entries not delivered, keep their messages")
    func keepsRecentAndUndelivered() async throws {
        let store = try SQLiteStateStore(path: path)
        let now = Date()
        try await store.enqueue((0..<10).map { Self.draft("s", event: "evt_\($0)") }, now: now)
        _ = try Self.deliverAll(store, now: now)
        try await store.enqueue([Self.draft("s", event: "evt_waiting")], now: now.addingTimeInterval(60))
        let report = try await store.prune(deliveredBefore: now.addingTimeInterval(-86_400), keepingSources: [],
                                           batchSize: 100, maxBatches: 10)
        #expect(report.entries == 0)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox_payload") == 11)
        let all = try await store.prune(deliveredBefore: now.addingTimeInterval(86_400), keepingSources: [],
                                        batchSize: 3, maxBatches: 2)
        #expect(all.entries == 6 && all.more, "bounded: six now, the rest next time")
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox_payload") == 5)
    }
}
