import CaseWatchPipeline
import Foundation
import GRDB
import CaseWatchModel
import CaseWatchStore

extension SQLiteStateStore {
    /// The cases last seen from each of `sources`, with their source.
    package func caseIDs(fromSources sources: Set<String>) async throws -> [String: String] {
        guard !sources.isEmpty else { return [:] }
        return try await read { db in
            var ids: [String: String] = [:]
            for source in sources {
                for id in try String.fetchAll(db, sql: "SELECT id FROM case_snapshot WHERE source = ?", arguments: [source]) {
                    ids[id] = source
                }
            }
            return ids
        }
    }

    /// The last-seen cases of `sources` whose next hearing is between `now` and `now + horizon`: the only
    /// ones a reminder can be due for, while their source is not read anew.
    package func casesWithReminders(fromSources sources: Set<String>, now: Date, horizon: TimeInterval) async throws
        -> [LegalCase]
    {
        guard !sources.isEmpty else { return [] }
        let start = now.timeIntervalSince1970
        return try await read { db in
            let decoder = JSONDecoder()
            let rows = try Row.fetchAll(db, sql: """
                SELECT source, json FROM case_snapshot WHERE (hearing_at > ? AND hearing_at <= ?)
                    OR instr(json, '"deadline":') > 0
                """, arguments: [start, start + horizon])
            return try rows.compactMap { row in
                guard let source: String = row[0], sources.contains(source) else { return nil }
                let json: Data = row[1]
                return try decoder.decode(LegalCase.self, from: json)
            }
        }
    }

    package func listedWebsites(excluding ids: Set<String>) async throws -> Set<String> {
        try await read { db in
            let decoder = JSONDecoder()
            var websites: Set<String> = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, json FROM case_snapshot
                WHERE json_extract(json, '$.type') IN ('undesirable', 'extremist')
                    AND json_extract(json, '$.subject.websites') IS NOT NULL
                """)
            while let row = try rows.next() {
                let id: String = row[0]
                guard !ids.contains(id) else { continue }
                let json: Data = row[1]
                let legalCase = try decoder.decode(LegalCase.self, from: json)
                if legalCase.endangersReaders { websites.formUnion(legalCase.subject.websites) }
            }
            return websites
        }
    }

    /// The sources the recorded cases came from.
    package func snapshotSources() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT source FROM case_snapshot WHERE source IS NOT NULL"))
                .union(try Bool.fetchOne(db, sql: "SELECT 1 FROM case_snapshot WHERE source IS NULL LIMIT 1") != nil
                       ? [""] : [])
        }
    }

    /// Each case file's stat signature from the last recorded run.
    package func fileSignatures() async throws -> [String: String] {
        try await read { db in
            var signatures: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, signature FROM source_state WHERE signature IS NOT NULL") {
                signatures[row["source"]] = row["signature"]
            }
            return signatures
        }
    }

    /// The feeds that have had a good fetch recorded.
    package func syncedFeeds() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT source FROM source_state WHERE signature IS NULL AND fetched_at IS NOT NULL
                """))
        }
    }

    /// Each feed's validators from its last good fetch.
    package func feedValidators() async throws -> [String: FetchValidators] {
        try await read { db in
            var validators: [String: FetchValidators] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, etag, last_modified FROM source_state WHERE signature IS NULL") {
                validators[row["source"]] = FetchValidators(etag: row["etag"], lastModified: row["last_modified"])
            }
            return validators
        }
    }

    /// The state of every feed, for `status`.
    package func feedStates() async throws -> [DispatcherStatus.Feed] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, fetched_at, last_error FROM source_state WHERE signature IS NULL ORDER BY source
                """).map {
                DispatcherStatus.Feed(url: $0["source"], lastGoodFetch: $0["fetched_at"], lastError: $0["last_error"])
            }
        }
    }

    /// Writes what this run learnt about its sources (inside the run's transaction).
    static func recordSources(_ load: SourceReadings, now: Date, in db: Database) throws {
        let stamp = Timestamp.iso8601(now)
        for (file, signature) in load.fileSignatures {
            try db.execute(sql: """
                INSERT INTO source_state (source, signature, fetched_at) VALUES (?, ?, ?)
                ON CONFLICT (source) DO UPDATE SET signature = excluded.signature, fetched_at = excluded.fetched_at
                """, arguments: [file, signature, stamp])
        }
        for (feed, validators) in load.feedValidators {
            try db.execute(sql: """
                INSERT INTO source_state (source, etag, last_modified, fetched_at, last_error) VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                fetched_at = excluded.fetched_at, last_error = NULL
                """, arguments: [feed, validators.etag, validators.lastModified, stamp])
        }
        for feed in load.frozenSources where load.feedFailures[feed] == nil {  // unchanged: healthy
            try db.execute(sql: "UPDATE source_state SET last_error = NULL WHERE source = ?", arguments: [feed])
        }
        for (feed, reason) in load.feedFailures {
            try db.execute(sql: """
                INSERT INTO source_state (source, last_error) VALUES (?, ?)
                ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error
                """, arguments: [feed, reason])
        }
    }
}
