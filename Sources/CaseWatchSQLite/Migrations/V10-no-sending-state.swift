import GRDB

extension SQLiteMigration {
    /// Claims stopped writing `sending` (an entry stays due until its outcome is recorded); entries an earlier
    /// CaseWatch left in that state when it crashed are due again, and the state is gone.
    static let v10 = SQLiteMigration(name: "v10-no-sending-state") { db in
        try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE state = 'sending'")
    }
}
