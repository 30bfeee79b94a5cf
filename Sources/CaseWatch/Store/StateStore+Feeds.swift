import Foundation
import GRDB

extension StateStore {
    static func registerFeedMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-feed-sources") { db in
            try db.execute(sql: """
                ALTER TABLE case_snapshot ADD COLUMN feed TEXT;
                CREATE INDEX case_snapshot_by_feed ON case_snapshot (feed) WHERE feed IS NOT NULL;
                ALTER TABLE source_state ADD COLUMN last_error TEXT;
                """)
        }
    }

    static func registerSourceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-case-sources") { db in
            try db.execute(sql: """
                ALTER TABLE case_snapshot RENAME COLUMN feed TO source;
                ALTER TABLE source_state ADD COLUMN signature TEXT;
                """)
        }
        // The moment of each case's next hearing, so the reminders of cases not read anew are found by
        // an index instead of by decoding every snapshot with a hearing.
        migrator.registerMigration("v7-hearing-moment") { db in
            try db.execute(sql: """
                ALTER TABLE case_snapshot ADD COLUMN hearing_at REAL;
                UPDATE case_snapshot SET hearing_at = CAST(strftime('%s', json_extract(json, '$.next_hearing.date')
                    || ' ' || coalesce(json_extract(json, '$.next_hearing.time'), '09:00')) AS REAL)
                    WHERE json_extract(json, '$.next_hearing.date') IS NOT NULL;
                CREATE INDEX case_snapshot_by_hearing ON case_snapshot (hearing_at) WHERE hearing_at IS NOT NULL;
                """)
        }
    }

    /// The cases last seen from each of `sources`, with their source.
    public func caseIDs(fromSources sources: Set<String>) async throws -> [String: String] {
        guard !sources.isEmpty else { return [:] }
        return try await pool.read { db in
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
    public func casesWithHearing(fromSources sources: Set<String>, now: Date, horizon: TimeInterval) async throws
        -> [LegalCase]
    {
        guard !sources.isEmpty else { return [] }
        let start = now.timeIntervalSince1970
        return try await pool.read { db in
            let decoder = JSONDecoder()
            let rows = try Row.fetchAll(db, sql: """
                SELECT source, json FROM case_snapshot WHERE hearing_at > ? AND hearing_at <= ?
                """, arguments: [start, start + horizon])
            return try rows.compactMap { row in
                guard let source: String = row[0], sources.contains(source) else { return nil }
                let json: Data = row[1]
                return try decoder.decode(LegalCase.self, from: json)
            }
        }
    }

    /// The sources the recorded cases came from.
    public func snapshotSources() async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT source FROM case_snapshot WHERE source IS NOT NULL"))
                .union(try Bool.fetchOne(db, sql: "SELECT 1 FROM case_snapshot WHERE source IS NULL LIMIT 1") != nil
                       ? [""] : [])
        }
    }

    /// Each case file's stat signature from the last recorded run.
    public func fileSignatures() async throws -> [String: String] {
        try await pool.read { db in
            var signatures: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, signature FROM source_state WHERE signature IS NOT NULL") {
                signatures[row["source"]] = row["signature"]
            }
            return signatures
        }
    }

    /// The feeds that have had a good fetch recorded.
    public func syncedFeeds() async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT source FROM source_state WHERE signature IS NULL AND fetched_at IS NOT NULL
                """))
        }
    }

    /// Each feed's validators from its last good fetch.
    public func feedValidators() async throws -> [String: RegistryFeed.Validators] {
        try await pool.read { db in
            var validators: [String: RegistryFeed.Validators] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, etag, last_modified FROM source_state WHERE signature IS NULL") {
                validators[row["source"]] = RegistryFeed.Validators(etag: row["etag"], lastModified: row["last_modified"])
            }
            return validators
        }
    }

    /// The state of every feed, for `status`.
    public func feedStates() async throws -> [DispatcherStatus.Feed] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, fetched_at, last_error FROM source_state WHERE signature IS NULL ORDER BY source
                """).map {
                DispatcherStatus.Feed(url: $0["source"], lastGoodFetch: $0["fetched_at"], lastError: $0["last_error"])
            }
        }
    }

    /// Writes what this run learnt about its sources (inside the run's transaction).
    static func recordSources(_ load: RegistryLoad, now: Date, in db: Database) throws {
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
