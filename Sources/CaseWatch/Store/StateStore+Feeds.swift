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

    /// The ids of the cases last seen from each of `feeds`.
    public func caseIDs(fromFeeds feeds: Set<String>) async throws -> Set<String> {
        guard !feeds.isEmpty else { return [] }
        return try await pool.read { db in
            var ids: Set<String> = []
            for feed in feeds {
                ids.formUnion(try String.fetchAll(db, sql: "SELECT id FROM case_snapshot WHERE feed = ?", arguments: [feed]))
            }
            return ids
        }
    }

    /// The last-seen cases of `feeds` that have a next hearing (for reminders while a feed is unchanged).
    public func casesWithHearing(fromFeeds feeds: Set<String>) async throws -> [LegalCase] {
        guard !feeds.isEmpty else { return [] }
        return try await pool.read { db in
            let decoder = JSONDecoder()
            var cases: [LegalCase] = []
            for feed in feeds {
                let rows = try Data.fetchAll(db, sql: """
                    SELECT json FROM case_snapshot WHERE feed = ? AND instr(CAST(json AS TEXT), '"next_hearing":{') > 0
                    """, arguments: [feed])
                cases += try rows.map { try decoder.decode(LegalCase.self, from: $0) }
            }
            return cases
        }
    }

    /// Each feed's validators from its last good fetch.
    public func feedValidators() async throws -> [String: RegistryFeed.Validators] {
        try await pool.read { db in
            var validators: [String: RegistryFeed.Validators] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, etag, last_modified FROM source_state") {
                validators[row["source"]] = RegistryFeed.Validators(etag: row["etag"], lastModified: row["last_modified"])
            }
            return validators
        }
    }

    /// The state of every feed, for `status`.
    public func feedStates() async throws -> [DispatcherStatus.Feed] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT source, fetched_at, last_error FROM source_state ORDER BY source").map {
                DispatcherStatus.Feed(url: $0["source"], lastGoodFetch: $0["fetched_at"], lastError: $0["last_error"])
            }
        }
    }

    /// Writes what this run learnt about the feeds (inside the run's transaction).
    static func recordFeeds(_ load: RegistryLoad, now: Date, in db: Database) throws {
        let stamp = Timestamp.iso8601(now)
        for (feed, validators) in load.feedValidators {
            try db.execute(sql: """
                INSERT INTO source_state (source, etag, last_modified, fetched_at, last_error) VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                fetched_at = excluded.fetched_at, last_error = NULL
                """, arguments: [feed, validators.etag, validators.lastModified, stamp])
        }
        for feed in load.frozenFeeds where load.feedFailures[feed] == nil {  // answered 304: healthy
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
