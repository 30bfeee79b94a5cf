import GRDB

extension SQLiteMigration {
    /// Lines that many outbox payloads share (one alert's body sent to a whole audience), kept once, and the payloads
    /// that name them, each as its own octets and a layout (see `PayloadLayout`). Those payloads live in a table of their
    /// own, not in `outbox_payload`, so that a CaseWatch from before this migration, run on this store, never sends one
    /// without its shared lines: it does not see those entries at all.
    static let v8 = SQLiteMigration(name: "v8-shared-lines") { db in
        try db.execute(sql: """
            CREATE TABLE outbox_lines (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                digest BLOB NOT NULL UNIQUE,
                bytes BLOB NOT NULL
            );
            CREATE TABLE outbox_laid_out_payload (
                outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id),
                own BLOB NOT NULL,
                layout TEXT NOT NULL
            );
            """)
    }
}
