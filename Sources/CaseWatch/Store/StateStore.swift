import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL) that keeps the last-seen snapshot of every case, the events,
/// each source's state, the outbox and the record of cycles.
///
/// All access goes through GRDB's async API, which runs SQLite on GRDB's own threads, never on Swift's
/// cooperative pool.
public final class StateStore: Sendable {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync is durable across a process crash (what the outbox promises); the
            // page cache and memory map spare the delivery loop a read system call per page.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        // A store a newer CaseWatch has migrated may hold what this one cannot read right (outbox payloads kept
        // in a newer form, say): refuse it rather than send something wrong.
        if try pool.read({ db in try StateStore.migrator.hasBeenSuperseded(db) }) {
            throw NewerStore(path: path)
        }
        try StateStore.migrator.migrate(pool)
    }

    /// The store was migrated by a newer CaseWatch.
    public struct NewerStore: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "\(path) was last used by a newer CaseWatch (its schema has migrations this version does not know); "
                + "run that version, or restore the store from before the upgrade"
        }
    }

    /// Named, append-only migrations: a released migration is never edited, only followed by a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry-and-events") { db in
            try db.execute(sql: """
                CREATE TABLE case_snapshot (
                    id TEXT PRIMARY KEY NOT NULL,
                    digest BLOB NOT NULL,
                    json BLOB NOT NULL,
                    recorded_at TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    occurred_on TEXT,
                    detected_at TEXT NOT NULL,
                    json BLOB NOT NULL
                );
                CREATE INDEX event_by_case ON event (case_id, seq);
                CREATE TABLE source_state (
                    source TEXT PRIMARY KEY NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    fetched_at TEXT,
                    body BLOB
                );
                CREATE TABLE cycle (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    cases INTEGER NOT NULL,
                    events INTEGER NOT NULL
                );
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        registerOutboxMigration(&migrator)
        registerDigestMigration(&migrator)
        registerFeedMigration(&migrator)
        registerPayloadMigration(&migrator)
        registerSourceMigration(&migrator)
        registerSharedLinesMigration(&migrator)
        registerDueQueueMigration(&migrator)
        return migrator
    }
}

extension StateStore {
    /// A value kept in the `setting` table (the first sync, a generated token secret).
    public func setting(_ key: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
        }
    }

    /// Sets `key` unless it is set already, and returns the value that holds.
    public func settingOnce(_ key: String, value: String) async throws -> String {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            return try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) ?? value
        }
    }
}
