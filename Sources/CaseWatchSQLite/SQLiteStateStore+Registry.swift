import CaseWatchStore
import Foundation
import GRDB
import CaseWatchModel
import CaseWatchPipeline

extension SQLiteStateStore {
    /// How many cases the store holds.
    package func caseCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_snapshot") ?? 0 }
    }

    /// The digest and the source of every case's last-seen snapshot, in one pass.
    package func seenSnapshots() async throws -> (digests: [String: SnapshotDigest], sources: [String: String]) {
        try await read { db in
            var digests: [String: SnapshotDigest] = [:]
            var sources: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, digest, source FROM case_snapshot")
            while let row = try rows.next() {
                let id: String = row[0]
                let digest: Data = row[1]
                digests[id] = SnapshotDigest(bytes: Array(digest))
                if let source: String = row[2] { sources[id] = source }
            }
            return (digests, sources)
        }
    }

    /// The last-seen snapshots of the given cases.
    package func snapshots(ids: [String]) async throws -> [String: LegalCase] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            let decoder = JSONDecoder()
            var cases: [String: LegalCase] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: "SELECT id, json FROM case_snapshot WHERE id IN (\(marks))",
                                               arguments: StatementArguments(Array(chunk)))
                while let row = try rows.next() {
                    let json: Data = row[1]
                    cases[row[0]] = try decoder.decode(LegalCase.self, from: json)
                }
            }
            return cases
        }
    }

    /// Every last-seen case as a JSON array of their canonical JSON, ordered by id (`GET /cases.json`).
    package func casesJSON() async throws -> [UInt8] {
        try await read { db in
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            let rows = try Row.fetchCursor(db, sql: "SELECT json FROM case_snapshot ORDER BY id")
            var first = true
            while let row = try rows.next() {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                let json: Data = row[0]
                bytes.append(contentsOf: json)
            }
            bytes.append(UInt8(ascii: "]"))
            return bytes
        }
    }

    /// Whether a registry sync has ever been recorded (the first one may be silent).
    package func hasSynced() async throws -> Bool {
        try await setting("first_sync_at") != nil
    }

    /// Records one run's detection in a single transaction: snapshots, removals, source readings, events, their
    /// outbox entries and the cycle.
    ///
    /// A crash leaves either all of it or none. Events already recorded (same id) are kept as they are, so
    /// detecting a change twice records it once. The plan runs inside the transaction, for the events that
    /// turn out new; an entry that cannot be built rolls everything back.
    package func record(_ detection: DetectionRecord) async throws -> (events: [CaseEvent], deliveries: Int) {
        try await write { db in try Self.record(detection, in: db) }
    }

    /// Records a first sync as it is read: each streamed snapshot is stored as it arrives, then the rest of the
    /// detection, all in one transaction (bad input found at the end rolls the snapshots back too).
    package func recordStreamed(_ streamed: StreamedDetection) async throws -> (events: [CaseEvent], deliveries: Int) {
        try await write { db in
            let upsert = try Self.snapshotUpsert(in: db)
            let now = Timestamp.iso8601(Date())
            try streamed.stream(false) { row, _, json in
                try upsert.execute(arguments: [row.id, Data(row.digest.bytes), Data(json), now, row.source,
                                               row.hearingAt?.timeIntervalSince1970])
            }
            return try Self.record(try streamed.rest(), in: db)
        }
    }

    private static func snapshotUpsert(in db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO case_snapshot (id, digest, json, recorded_at, source, hearing_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, json = excluded.json,
            recorded_at = excluded.recorded_at, source = excluded.source, hearing_at = excluded.hearing_at
            """)
    }

    /// One detection's writes, inside the caller's transaction.
    private static func record(_ detection: DetectionRecord, in db: Database) throws
        -> (events: [CaseEvent], deliveries: Int)
    {
        let (diff, plan, sources) = (detection.diff, detection.plan, detection.readings)
        let (registrySize, startedAt, finishedAt) = (detection.registrySize, detection.startedAt, detection.finishedAt)
        let encoder = JSONEncoder.caseWatch
        let encoded = try diff.events.map { (event: $0, json: try encoder.encode($0)) }
        let priors = try detection.priors.compactMapValues { prior in try prior.map { try encoder.encode($0) } }
        let now = Timestamp.iso8601(finishedAt)
        let upsert = try snapshotUpsert(in: db)
        try SnapshotJSONStream.forEach(diff.upserts, cases: diff.cases) { row, json in
            try upsert.execute(arguments: [row.id, Data(row.digest.bytes), Data(json), now, row.source,
                                           row.hearingAt?.timeIntervalSince1970])
        }
        let retag = try db.cachedStatement(sql: "UPDATE case_snapshot SET source = ? WHERE id = ?")
        for (id, source) in diff.retags {
            try retag.execute(arguments: [source, id])
        }
        if let sources { try recordSources(sources, now: finishedAt, in: db) }
        let delete = try db.cachedStatement(sql: "DELETE FROM case_snapshot WHERE id = ?")
        for id in diff.removals {
            try delete.execute(arguments: [id])
        }
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO event (id, type, case_id, occurred_on, detected_at, json, has_prior, prior_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var recorded: [CaseEvent] = []
        for (event, json) in encoded {
            let prior = detection.priors[event.caseID]
            try insert.execute(arguments: [event.id, event.type.rawValue, event.caseID,
                                           event.occurredOn?.description, Timestamp.iso8601(event.detectedAt), json,
                                           prior == nil ? 0 : 1, try priors[event.caseID].map { Data($0) }])
            if db.changesCount > 0 { recorded.append(event) }
        }
        for (eventID, reason) in detection.withdrawals.sorted(by: { $0.key < $1.key }) {
            _ = try withdraw(eventID: eventID, reason: reason, now: finishedAt, in: db)
        }
        let deliveries = try plan.map { plan in
            try enqueue(now: finishedAt, streaming: { enqueue in try plan(recorded, enqueue) }, in: db)
        } ?? 0
        try db.execute(sql: "INSERT OR IGNORE INTO setting (key, value) VALUES ('first_sync_at', ?)",
                       arguments: [now])
        try db.execute(sql: "INSERT INTO cycle (started_at, finished_at, cases, events) VALUES (?, ?, ?, ?)",
                       arguments: [Timestamp.iso8601(startedAt), now, registrySize, recorded.count])
        return (recorded, deliveries)
    }
}
