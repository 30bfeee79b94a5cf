import GRDB

extension SQLiteMigration {
    /// The moment of each case's next hearing, so the reminders of cases not read anew are found by an index
    /// instead of by decoding every snapshot with a hearing.
    static let v7 = SQLiteMigration(name: "v7-hearing-moment") { db in
        try db.execute(sql: """
            ALTER TABLE case_snapshot ADD COLUMN hearing_at REAL;
            UPDATE case_snapshot SET hearing_at = CAST(strftime('%s', json_extract(json, '$.next_hearing.date')
                || ' ' || coalesce(json_extract(json, '$.next_hearing.time'), '09:00')) AS REAL)
                WHERE json_extract(json, '$.next_hearing.date') IS NOT NULL;
            CREATE INDEX case_snapshot_by_hearing ON case_snapshot (hearing_at) WHERE hearing_at IS NOT NULL;
            """)
    }
}
