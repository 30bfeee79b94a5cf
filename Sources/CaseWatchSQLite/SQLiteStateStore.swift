import CaseWatchStore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

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

    /// What opening the store found and set right, for the caller's log (a store readable by others, made
    /// owner-only).
    package let notices: [String]

    /// Why the store was opened read-only (its file or folder cannot be written), nil when it is writable.
    ///
    /// Commands that only read (`status`, `events`, `outbox list`, `sources`, `subscribers list`) work on such a
    /// store; one that writes fails with an error that says "read-only" and names the file.
    package let readOnlyReason: String?

    /// - Parameter readOnly: open an existing, migrated store for reading only, changing nothing (not even its
    ///   mode): what shell completions read.
    package init(path: String, readOnly: Bool = false) throws {
        self.path = path
        if readOnly {
            (notices, readOnlyReason) = ([], "opened for reading only")
            pool = try Self.openReadOnly(path, reason: "opened for reading only")
            return
        }
        let file = try Self.prepareFile(path)
        notices = file.notices
        readOnlyReason = file.readOnlyReason
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        if let reason = file.readOnlyReason {
            pool = try Self.openReadOnly(path, reason: reason)
            return
        }
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync is durable across a process crash (what the outbox promises); the
            // page cache and memory map spare the delivery loop a read system call per page.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // What is deleted (an erased person's messages, pruned entries) is overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
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

    /// Opens an existing store that cannot be written, for reading: it must need no migration, which would write.
    ///
    /// SQLite reads a WAL database read-only only when its shared-memory file exists or can be created; in a folder
    /// that cannot be written and without one, the file is opened as immutable, which is safe there: no one can
    /// write it, and no write-ahead log holds changes it would miss.
    private static func openReadOnly(_ path: String, reason: String) throws -> DatabasePool {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let pool: DatabasePool
        let migrated: Bool
        do {
            do {
                let plain = try DatabasePool(path: path, configuration: configuration)
                _ = try plain.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                pool = plain
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
                var log = stat()
                let logHoldsChanges = stat(path + "-wal", &log) == 0 && log.st_size > 0
                guard access(path + "-shm", F_OK) != 0, !logHoldsChanges,
                      let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)
                else { throw error }
                pool = try DatabasePool(path: "file:\(escaped)?immutable=1", configuration: configuration)
            }
            if try pool.read({ db in try SQLiteMigration.migrator.hasBeenSuperseded(db) }) {
                throw StoreError(.newerSchema, "\(path) was last used by a newer CaseWatch (its schema has migrations "
                    + "this version does not know); run that version, or restore the store from before the upgrade")
            }
            migrated = try pool.read { db in try SQLiteMigration.migrator.hasCompletedMigrations(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot open the store \(path), which is read-only (\(reason)): "
                + "\(Self.reason(error)); make it writable")
        }
        guard migrated else {
            throw StoreError(.unavailable, "the store \(path) is read-only (\(reason)) and must first be upgraded by "
                + "this version of CaseWatch, which writes to it: make it writable and run a command once")
        }
        return pool
    }

    /// Why the store at `path` cannot be written (`EROFS`, an immutable file, no write permission), checked on the
    /// file, the folder that must hold its WAL and shared-memory files, and those files when they exist; nil when
    /// all can be written.
    static func unwritable(_ path: String) -> String? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        for (file, noun) in [(path, "the store file"), (folder, "its folder \(folder)"),
                             (path + "-wal", "its WAL file"), (path + "-shm", "its shared-memory file")] {
            guard access(file, F_OK) == 0, access(file, W_OK) != 0 else { continue }
            let why = errno == EROFS ? "on a read-only file system" : "cannot be written: \(String(cString: strerror(errno)))"
            return "\(noun) \(why)"
        }
        return nil
    }

    /// The store file before SQLite opens it. A new store is created readable by its owner only (SQLite gives its
    /// WAL and shared-memory files the same mode); an existing one readable by others is made so, with a notice.
    /// An existing file that is empty or cannot be read is refused: SQLite would take an empty file for a new store,
    /// and every queued delivery, opt-out and disabled endpoint would be lost without a word (a failed restore).
    static func prepareFile(_ path: String) throws -> (notices: [String], readOnlyReason: String?) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            guard errno == ENOENT else {
                throw StoreError(.unavailable, "cannot read the store \(path): \(String(cString: strerror(errno)))")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.unavailable, "cannot create the store \(path): \(Self.reason(error))")
            }
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let code = errno
                guard code != EEXIST else { return ([], nil) }
                let why = code == EROFS ? "its folder \(folder.path) is on a read-only file system"
                    : code == EACCES || code == EPERM ? "its folder \(folder.path) is read-only (\(String(cString: strerror(code))))"
                    : String(cString: strerror(code))
                throw StoreError(.unavailable, "cannot create the store \(path): \(why)")
            }
            close(descriptor)
            return ([], nil)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError(.unavailable, "the store \(path) is not a regular file")
        }
        guard info.st_size > 0 else {
            throw StoreError(.unavailable, "the store \(path) exists but is empty (0 bytes): CaseWatch will not start "
                + "a new store over it, which would lose every queued delivery, opt-out and disabled endpoint; restore "
                + "it from a backup (casewatch backup), or remove the file to start afresh")
        }
        guard access(path, R_OK) == 0 else {
            throw StoreError(.unavailable, "cannot read the store \(path): \(String(cString: strerror(errno)))")
        }
        if let reason = unwritable(path) { return ([], reason) }
        var notices: [String] = []
        for file in [path, path + "-wal", path + "-shm"] {
            var fileInfo = stat()
            guard stat(file, &fileInfo) == 0, fileInfo.st_mode & 0o077 != 0 else { continue }
            if chmod(file, fileInfo.st_mode & 0o700) == 0 {
                notices.append("\(file) was readable by other users (mode \(String(fileInfo.st_mode & 0o777, radix: 8))); "
                    + "it holds subscribers' addresses and every alert, and is now readable by its owner only (600)")
            }
        }
        return (notices, nil)
    }

    /// What is wrong with the store at `path`, read only and without migrating it (`casewatch check`): an empty or
    /// unreadable file, or what `PRAGMA quick_check` reports. Nothing when there is no store yet.
    package static func inspect(path: String) -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0 else {
            return ["the store \(path) exists but is empty (0 bytes): restore it from a backup, or remove it to start afresh"]
        }
        do {
            var configuration = GRDB.Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let rows = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            return rows == ["ok"] ? [] : rows.map { "the store \(path) fails its integrity check: \($0)" }
        } catch {
            return ["cannot read the store \(path): \(reason(error))"]
        }
    }

    /// SQLite's `PRAGMA quick_check`: an empty list when the file is sound, else what is wrong.
    package func integrityProblems() async throws -> [String] {
        let rows = try await read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        return rows == ["ok"] ? [] : rows
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
        if error.resultCode == .SQLITE_READONLY {
            let why = readOnlyReason.map { " (\($0))" } ?? ""
            return StoreError(.failed, "the store \(path) is read-only\(why): this command writes to it, and only "
                + "commands that read (status, events, outbox list, sources, subscribers list) can use it as it is")
        }
        return StoreError(.failed, "the store \(path): \(Self.reason(error))")
    }

    /// What went wrong, in words: SQLite's message, with "read-only" said plainly where SQLite or Foundation would
    /// give a code (`SQLite error 14`, `NSCocoaErrorDomain Code=512`).
    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_READONLY:
                return "it is read-only (\(error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"))"
            case .SQLITE_CANTOPEN:
                return "SQLite cannot open it (\(error.message ?? "error 14")): is the file or its folder read-only, "
                    + "or the folder missing?"
            default:
                return error.message ?? "\(error.resultCode)"
            }
        }
        let nsError = error as NSError
        if let posix = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap({ $0.domain == NSPOSIXErrorDomain ? $0 : nil }) {
            let code = Int32(posix.code)
            if code == EROFS { return "it is on a read-only file system" }
            if code == EACCES || code == EPERM { return "it is read-only (\(String(cString: strerror(code))))" }
            return String(cString: strerror(code))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == CocoaError.fileWriteNoPermission.rawValue
            || nsError.code == CocoaError.fileWriteVolumeReadOnly.rawValue
        {
            return "it is read-only (no permission to write)"
        }
        return nsError.localizedDescription
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

    package func setSetting(_ key: String, _ value: String?) async throws {
        try await write { db in
            if let value {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) "
                    + "ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
            }
        }
    }

    package func settings(withPrefix prefix: String) async throws -> [String: String] {
        try await read { db in
            var found: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting WHERE substr(key, 1, ?) = ?",
                                        arguments: [prefix.count, prefix]) {
                found[row[0]] = row[1]
            }
            return found
        }
    }
}
