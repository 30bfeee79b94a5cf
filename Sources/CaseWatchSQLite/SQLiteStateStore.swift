import CaseWatchStore
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL) that keeps the last-seen snapshot of every case, the events, each
/// source's state, the outbox and the record of cycles.
///
/// All access goes through GRDB, which runs SQLite on its own threads, never on Swift's cooperative pool. Errors of
/// the driver reach callers as ``StoreError``; errors thrown by the callers' own closures (a plan that cannot build
/// a message) pass through as they are.
package final class SQLiteStateStore: StateStore, Sendable {
    let pool: DatabasePool
    package let path: String

    package var location: String { path }

    package init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync is durable across a process crash (what the outbox promises); the
            // page cache and memory map spare the delivery loop a read system call per page.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            // A store a newer CaseWatch has migrated may hold what this one cannot read right (outbox payloads kept
            // in a newer form, say): refuse it rather than send something wrong.
            if try pool.read({ db in try SQLiteMigration.migrator.hasBeenSuperseded(db) }) {
                throw StoreError(.newerSchema, "\(path) was last used by a newer CaseWatch (its schema has migrations "
                    + "this version does not know); run that version, or restore the store from before the upgrade")
            }
            try Self.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot open the store \(path): \(Self.reason(error))")
        }
    }

    /// Applies the migrations this store lacks. GRDB reads which are applied before it takes the write lock, so two
    /// processes opening a new store at once (cron beside `preview`) may race to apply the same one; the loser's
    /// transaction rolls back whole, and it looks again, finding them applied.
    private static func migrate(_ pool: DatabasePool) throws {
        for attempt in 1...10 {
            do {
                try SQLiteMigration.migrator.migrate(pool)
                return
            } catch let error as DatabaseError where attempt < 10 {
                _ = error
                usleep(UInt32(20_000 * attempt))
            }
        }
    }

    /// A read transaction, with the driver's errors as ``StoreError``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// A write transaction, with the driver's errors as ``StoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// A write transaction for a delivery lane's own thread, which may block.
    func writeBlocking<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    private func failure(_ error: DatabaseError) -> StoreError {
        StoreError(.failed, "the store \(path): \(Self.reason(error))")
    }

    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return (error as NSError).localizedDescription
    }
}

extension SQLiteStateStore {
    /// A value kept in the `setting` table (the first sync, a generated token secret).
    package func setting(_ key: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
        }
    }

    /// Sets `key` unless it is set already, and returns the value that holds.
    package func settingOnce(_ key: String, value: String) async throws -> String {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            return try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) ?? value
        }
    }
}
