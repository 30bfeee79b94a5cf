import GRDB

extension SQLiteMigration {
    /// Every case remembers its source (a file or a feed); every file its stat signature.
    static let v6 = SQLiteMigration(name: "v6-case-sources") { db in
        try db.execute(sql: """
            ALTER TABLE case_snapshot RENAME COLUMN feed TO source;
            ALTER TABLE source_state ADD COLUMN signature TEXT;
            """)
    }
}
