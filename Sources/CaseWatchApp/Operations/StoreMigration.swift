import CaseWatchPostgres
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import Foundation

/// `casewatch migrate --to postgres://…`: copies this configuration's SQLite store, every table of it, into an
/// empty PostgreSQL database and checks that each table holds as many rows there as here. Cycles are kept away by
/// the run lock meanwhile; a copy that fails is emptied again, so it can simply be run once more.
package struct StoreMigration: Sendable {
    package let configuration: Configuration
    package let url: String
    package let password: String?

    package init(configuration: Configuration, url: String, password: String?) {
        self.configuration = configuration
        self.url = url
        self.password = password
    }

    package struct Report: Sendable {
        /// Rows copied per table, in ``StoreCopy/tables`` order.
        package var counts: [(table: String, rows: Int)]
        package var location: String
    }

    package func run() async throws -> Report {
        guard !configuration.usesPostgres else {
            throw StoreError(.unavailable, "the configuration's state is already a PostgreSQL database; migrate "
                + "copies a SQLite store (state: a file) into one")
        }
        let hold = try configuration.runCoordinator.acquire()
        defer { withExtendedLifetime(hold) {} }
        let source = try SQLiteStateStore(path: configuration.resolve(configuration.statePath).path)
        let target = try await PostgresStateStore(url: url, password: password, nodeID: "migrate")
        let occupied = try await target.tablesWithRows()
        guard occupied.isEmpty else {
            throw StoreError(.unavailable, "\(target.location) is not empty (\(occupied.joined(separator: ", ")) "
                + "hold rows); migrate copies into an empty database only")
        }
        let expected = try await source.rowCounts()
        do {
            try await source.export(batchSize: 1_000) { batch in try await target.importBatch(batch) }
            try await target.finishImport()
            let copied = try await target.rowCounts()
            let wrong = StoreCopy.tables.map(\.name).filter { copied[$0] != expected[$0] }
            guard wrong.isEmpty else {
                throw StoreError(.failed, "the copy does not match: " + wrong.map {
                    "\($0) has \(copied[$0] ?? 0) row(s) there and \(expected[$0] ?? 0) here"
                }.joined(separator: "; "))
            }
        } catch {
            try? await target.discardImport()
            throw error
        }
        return Report(counts: StoreCopy.tables.map { ($0.name, expected[$0.name] ?? 0) }, location: target.location)
    }
}
