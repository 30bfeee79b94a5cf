import CaseWatchTesting
import Foundation
import Testing

/// A store CaseWatch cannot write (a read-only mount, an immutable file, a folder without write permission): the
/// commands that read still work, and one that writes says "read-only" and names the file, never a bare code.
///
/// The tests run as root, whom permission bits do not stop, so the store is made immutable (`chattr +i`), which
/// stops root too; the flag is taken off again before the folder is removed.
@Suite("Read-only store", .serialized)
struct ReadOnlyStoreTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner
    var state: URL { workspace.url.appendingPathComponent("var") }
    var store: URL { state.appendingPathComponent("casewatch.sqlite") }

    init() throws {
        workspace = try TemporaryDirectory("casewatch-readonly")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    /// Sets or clears the immutable flag; false when the file system has no such flag.
    @discardableResult
    static func immutable(_ url: URL, _ on: Bool) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [on ? "+i" : "-i", url.path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static let hasChattr = FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr")

    /// What every read command prints, once from a writable store, to compare with the read-only one.
    func readCommands() throws -> [String: CommandRunner.Result] {
        var results: [String: CommandRunner.Result] = [:]
        for command in [["status", "--json"], ["events", "--json"], ["outbox", "list", "--json"], ["sources", "--json"],
                        ["subscribers", "list", "--json"]] {
            results[command.joined(separator: " ")] = try casewatch.run(command)
        }
        return results
    }

    @Test("an immutable store file, or an immutable state folder: reads work, writes say read-only and name the file",
          .enabled(if: hasChattr), arguments: ["file", "folder"])
    func immutableStore(what: String) throws {
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        let writable = try readCommands()
        // A reader may leave the WAL and shared-memory files behind; at rest there are none.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }

        let target = what == "file" ? store : state
        guard Self.immutable(target, true) else {
            Issue.record("chattr +i is not supported on \(target.path)'s file system")
            return
        }
        defer { Self.immutable(target, false) }
        #expect(access(target.path, W_OK) != 0, "root can still write \(target.path): the test would prove nothing")

        let readOnly = try readCommands()
        for (command, result) in readOnly {
            #expect(result.status == 0, "\(command): \(result.output)")
            #expect(result.stdout == writable[command]?.stdout, "\(command) prints otherwise from a read-only store")
        }
        #expect(readOnly["status --json"]?.stdout.contains(#""registry_size":29"#) == true)

        // A command that writes: an operator's lever, and a cycle.
        for command in [["subscribers", "unsubscribe", "ru-journalist"], ["run", "--once"]] {
            let result = try casewatch.run(command)
            #expect(result.status != 0, "\(command) succeeded on a read-only store")
            #expect(result.stderr.contains("read-only"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(what == "file" ? "var/casewatch.sqlite" : "var"), "\(command): \(result.stderr)")
            for opaque in ["NSCocoaErrorDomain", "Code=512", "SQLite error 14", "error 8"] {
                #expect(!result.output.contains(opaque), "\(command): \(result.output)")
            }
        }
    }

    @Test("a store that cannot be created in a read-only folder is named, with read-only said plainly",
          .enabled(if: hasChattr))
    func readOnlyFolderWithoutStore() throws {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        guard Self.immutable(state, true) else {
            Issue.record("chattr +i is not supported on \(state.path)'s file system")
            return
        }
        defer { Self.immutable(state, false) }
        let result = try casewatch.run(["status"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("var/casewatch.sqlite"), "\(result.stderr)")
        #expect(result.stderr.contains("read-only"), "\(result.stderr)")
        #expect(!result.output.contains("NSCocoaErrorDomain") && !result.output.contains("SQLite error 14"))
    }
}
