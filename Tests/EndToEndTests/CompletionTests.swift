import CaseWatchApp
import CaseWatchModel
import CaseWatchTesting
import Foundation
import Testing

/// Completions with ids: the generated scripts call `casewatch ---completion …` back at each Tab, and the ids come
/// from the configuration in effect.
@Suite("Shell completions")
struct CompletionTests {
    /// The sample set-up, run once so that the store holds events.
    static let workspace: TemporaryDirectory = {
        let directory = try! TemporaryDirectory("casewatch-completion")
        try! RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        _ = Unmanaged.passRetained(directory)
        return directory
    }()

    static let casewatch = CommandRunner(directory: workspace.url, environment: [
        "COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ])

    /// What the bash script runs for `words` with the cursor at the end of the last word, as its
    /// `_custom_complete` function does: `casewatch ---completion SUBCOMMANDS -- ARGUMENT WORD_INDEX CURSOR WORDS…`.
    func complete(_ subcommands: [String], _ argument: String, words: [String], in folder: URL? = nil) throws
        -> [String]
    {
        var runner = Self.casewatch
        if let folder { runner = CommandRunner(directory: folder, environment: runner.environment) }
        let current = words.last ?? ""
        let result = try runner.run(["---completion"] + subcommands + ["--", argument, String(words.count - 1),
                                                                     String(current.count)] + words)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("the generated scripts call the binary back for ids", arguments: ["bash", "zsh", "fish"])
    func scripts(shell: String) throws {
        let result = try Self.casewatch.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        #expect(result.stdout.contains("---completion preview -- --subscriber"))
        #expect(result.stdout.contains("---completion preview -- --case"))
        #expect(result.stdout.contains("---completion send-test -- --channel"))
    }

    @Test("--subscriber lists the subscribers of the configuration, filtered by what is typed")
    func subscribers() throws {
        #expect(try complete(["preview"], "--subscriber", words: ["casewatch", "preview", "--subscriber", ""])
            == ["coe-commissioner", "en-digest-reader", "memorial-lawyer", "ru-journalist"])
        #expect(try complete(["send-test"], "--subscriber", words: ["casewatch", "send-test", "--subscriber", "m"])
            == ["memorial-lawyer"])
    }

    @Test("--case lists the registry's case ids")
    func cases() throws {
        let ids = try complete(["preview"], "--case", words: ["casewatch", "preview", "--case", "moscow-helsinki"])
        #expect(ids == ["moscow-helsinki-group-liquidation", "moscow-helsinki-group-un-communication"])
        let all = try complete(["preview"], "--case", words: ["casewatch", "preview", "--case", ""])
        #expect(all.count == 29 && all.contains("international-memorial-liquidation"), "\(all)")
    }

    @Test("--channel lists the channels of the subscriber named so far; --event the event types")
    func channels() throws {
        #expect(try complete(["send-test"], "--channel",
                             words: ["casewatch", "send-test", "--subscriber", "coe-commissioner", "--channel", ""])
            == ["webhook"])
        #expect(try complete(["preview"], "--channel", words: ["casewatch", "preview", "--channel", ""])
            == ["email", "webhook", "matrix", "telegram"])
        let events = try Self.casewatch.run(["--generate-completion-script", "bash"]).stdout
        #expect(events.contains("case.hearing_reminder"))
    }

    @Test("--config in the words names the configuration read; without one, nothing and no error")
    func otherConfiguration() throws {
        let elsewhere = try TemporaryDirectory("casewatch-completion-elsewhere")
        let path = Self.workspace.url.appendingPathComponent("casewatch.yml").path
        #expect(try complete(["preview"], "--subscriber",
                             words: ["casewatch", "preview", "--config", path, "--subscriber", "ru"], in: elsewhere.url)
            == ["ru-journalist"])
        #expect(try complete(["preview"], "--subscriber", words: ["casewatch", "preview", "--subscriber", ""],
                             in: elsewhere.url).isEmpty)
        #expect(try complete(["preview"], "--case", words: ["casewatch", "preview", "--case", ""], in: elsewhere.url)
            .isEmpty)
    }

    @Test("event ids come from the store, newest first, once it exists")
    func events() async throws {
        let directory = try TemporaryDirectory("casewatch-completion-events")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        let runner = CommandRunner(directory: directory.url, environment: Self.casewatch.environment)
        #expect(try complete(["preview"], "--case", words: ["casewatch", "preview", "--case", "sova"], in: directory.url)
            == ["sova-center-liquidation"])
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("var/casewatch.sqlite").path))
        #expect(try runner.run(["run", "--once"]).status == 0)
        let path = "registry/moscow-helsinki-group-liquidation.yaml"
        try directory.write(path, CaseFileEdit.appendingStep("{date: 2026-11-27, status: cassation_filed}",
                                                             to: try directory.read(path)))
        #expect(try runner.run(["run", "--once"]).status == 0)
        let recorded = try runner.run(["events", "--json"]).stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
        }
        #expect(!recorded.isEmpty)
        // What `events withdraw` and `outbox replay` complete with (their arguments take `completion: .eventIDs`).
        let configuration = directory.url.appendingPathComponent("casewatch.yml").path
        // Off Swift's cooperative threads, as in the binary, where the main thread waits for the store's read. On a
        // loaded machine a read that overruns its bound gives no candidates (by design): ask again, a few times.
        var ids: [String] = []
        for _ in 0..<5 where ids.isEmpty {
            ids = await Blocking.run {
                CompletionCandidates(words: ["casewatch", "events", "withdraw", "--config", configuration, ""]).eventIDs()
            }
        }
        #expect(Set(ids) == Set(recorded), "\(ids) vs \(recorded)")
    }

    @Test("a Tab never writes to the store: a store of the release before stays as it was, unmigrated, and lists nothing")
    func storeUntouched() async throws {
        let directory = try TemporaryDirectory("casewatch-completion-old-store")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        let fixture = RepositoryFiles.url("Tests/Fixtures/release-1")
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("var"), withIntermediateDirectories: true)
        var before: [String: Data] = [:]
        // The repository keeps the store file itself (its WAL and shared-memory files appear only where it was opened).
        for name in ["casewatch.sqlite", "casewatch.sqlite-wal", "casewatch.sqlite-shm"]
        where FileManager.default.fileExists(atPath: fixture.appendingPathComponent(name).path) {
            let target = directory.url.appendingPathComponent("var/\(name)")
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: target)
            before[name] = try Data(contentsOf: target)
        }
        let configuration = directory.url.appendingPathComponent("casewatch.yml").path
        let ids = await Blocking.run {
            CompletionCandidates(words: ["casewatch", "events", "withdraw", "--config", configuration, ""]).eventIDs()
        }
        #expect(ids.isEmpty, "\(ids)")
        #expect(before["casewatch.sqlite"] != nil)
        for (name, bytes) in before {
            #expect(try Data(contentsOf: directory.url.appendingPathComponent("var/\(name)")) == bytes, "\(name) changed")
        }
    }
}
