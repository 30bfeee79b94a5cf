import CaseWatchPostgres
import CaseWatchSQLite
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Testing

/// Every table of the store exists in both engines and is carried by `casewatch migrate` (`StoreCopy.tables`).
@Suite("Every table, both engines")
struct StoreTablesTests {
    static let copied = Set(StoreCopy.tables.map(\.name))

    @Test("the SQLite store has exactly the tables migrate copies, besides its own bookkeeping")
    func sqlite() throws {
        let directory = try TemporaryDirectory("casewatch-tables")
        let path = directory.url.appendingPathComponent("casewatch.sqlite").path
        _ = try SQLiteStateStore(path: path)
        let tables = Set(try SQLiteShell.run(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
            .split(separator: "\n").map(String.init))
        // The migrations' record, AUTOINCREMENT's counters, the release-1 opt-outs (moved to optout), and the
        // shared lines messages are laid out over (copied whole, as outbox_payload).
        let own: Set = ["grdb_migrations", "sqlite_sequence", "suppression", "outbox_lines", "outbox_laid_out_payload"]
        #expect(tables.subtracting(own) == Self.copied)
        for table in StoreCopy.tables where table.name != "outbox_payload" {
            _ = try SQLiteShell.run(path, "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) LIMIT 0")
        }
    }

    @Test("the PostgreSQL store has exactly the tables migrate copies, besides the cluster's own")
    func postgres() async throws {
        let server = PostgresServer.shared
        let database = try server.createDatabase()
        _ = try await PostgresStateStore(url: server.url(database: database), password: nil, nodeID: "tables")
        let tables = Set(try server.psql("""
            SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
            """, database: database).split(separator: "\n").map(String.init))
        #expect(tables.subtracting(["casewatch_migration", "node", "leadership"]) == Self.copied)
        for table in StoreCopy.tables {
            try server.psql("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) LIMIT 0", database: database)
        }
    }
}
