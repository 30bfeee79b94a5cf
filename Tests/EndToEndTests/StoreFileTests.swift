import CaseWatchTesting
import Foundation
import Testing

/// The store file on disk: owner-only, never silently started over, checked before the daemon trusts it.
@Suite("The store file")
struct StoreFileTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner

    init() throws {
        workspace = try TemporaryDirectory("casewatch-store-file")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        let configuration = try workspace.read("casewatch.yml")
        _ = try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "listen: 127.0.0.1:8080", with: "listen: 127.0.0.1:\(FreePort.next())"))
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    func mode(_ relativePath: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.url.appendingPathComponent(relativePath).path)
        return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
    }

    @Test("the store, its WAL and its lock are created readable by their owner only; a store readable by others is made so, with a warning")
    func ownerOnly() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        for file in ["var/casewatch.sqlite", "var/casewatch.sqlite.lock"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
        // SQLite removes the WAL when the last connection closes cleanly; while it exists it is the store's mode.
        if FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("var/casewatch.sqlite-wal").path) {
            #expect(try mode("var/casewatch.sqlite-wal") == 0o600)
        }
        let store = workspace.url.appendingPathComponent("var/casewatch.sqlite").path
        #expect(chmod(store, 0o644) == 0)
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("was readable by other users"), "\(run.stderr)")
        #expect(try mode("var/casewatch.sqlite") == 0o600)
    }

    @Test("a 0-byte store (a failed restore) is refused by run, serve and check with the reason; it stays as it is")
    func emptyStore() throws {
        _ = try workspace.write("var/casewatch.sqlite", "")
        for command in [["run", "--once"], ["serve"], ["status"]] {
            let result = try casewatch.run(command, timeout: 20)
            #expect(result.status == 1, "\(command): \(result.output)")
            #expect(result.stderr.contains("exists but is empty (0 bytes)"), "\(command): \(result.stderr)")
        }
        let check = try casewatch.run(["check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("exists but is empty"))
        let size = try FileManager.default.attributesOfItem(
            atPath: workspace.url.appendingPathComponent("var/casewatch.sqlite").path)[.size] as? Int
        #expect(size == 0)
    }

    @Test("a damaged store fails check and keeps serve from starting (PRAGMA quick_check)")
    func damagedStore() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        // Fold the WAL into the file, then overwrite the middle of a table's pages.
        let path = workspace.url.appendingPathComponent("var/casewatch.sqlite").path
        _ = try SQLiteShell.run(path, "PRAGMA wal_checkpoint(TRUNCATE);")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size > 16_384)
        for page in stride(from: UInt64(8_192), to: size - 4_096, by: 4_096) {
            try handle.seek(toOffset: page + 200)
            handle.write(Data(repeating: 0xA5, count: 900))
        }
        try handle.close()
        let check = try casewatch.run(["check"])
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains(path), "\(check.stderr)")
        let serve = try casewatch.run(["serve"], timeout: 20)
        #expect(serve.status == 1, "\(serve.output)")
        // Refused at the integrity check, or earlier when SQLite meets the damage as it opens the file.
        #expect(serve.stderr.contains("fails its integrity check") || serve.stderr.contains("malformed"), "\(serve.stderr)")
    }
}
