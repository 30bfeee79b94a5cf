import CaseWatchPostgres
import CaseWatchSQLite
import CaseWatchStore
import CaseWatchStoreConformance
import CaseWatchTesting
import Foundation
import Testing

/// The store's promises, checked on every engine against a fresh store each time.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("the SQLite engine", arguments: StoreConformance.checks)
    func sqlite(check: StoreConformance.Check) async throws {
        let directory = try TemporaryDirectory("casewatch-conformance")
        let store = try SQLiteStateStore(path: directory.url.appendingPathComponent("casewatch.sqlite").path)
        try await check.run(store)
    }

    @Test("the PostgreSQL engine", arguments: StoreConformance.checks)
    func postgres(check: StoreConformance.Check) async throws {
        let server = PostgresServer.shared
        let store = try await PostgresStateStore(url: server.url(database: try server.createDatabase()), password: nil,
                                                 nodeID: "conformance")
        try await check.run(store)
    }

    @Test("the in-memory store", arguments: StoreConformance.checks)
    func memory(check: StoreConformance.Check) async throws {
        try await check.run(MemoryStateStore())
    }
}
