import GRDB

extension SQLiteMigration {
    /// The registry's last-seen snapshots, the events, each source's state, the cycles and the settings.
    static let v1 = SQLiteMigration(name: "v1-registry-and-events") { db in
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
}
