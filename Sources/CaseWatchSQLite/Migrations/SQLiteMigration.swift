import GRDB

/// One named, append-only step of the SQLite schema: a released migration is never edited, only followed by a
/// new one. Each lives in a file of its own; ``all`` lists them in order.
struct SQLiteMigration: Sendable {
    let name: String
    let apply: @Sendable (Database) throws -> Void

    init(name: String, apply: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.apply = apply
    }

    static let all: [SQLiteMigration] = [.v1, .v2, .v3, .v4, .v5, .v6, .v7, .v8, .v9, .v10, .v11, .v12, .v13, .v14]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        return migrator
    }
}
