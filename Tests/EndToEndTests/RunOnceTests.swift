import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation
import Testing

/// The built binary against a temporary copy of the sample set-up, as cron runs it.
@Suite("run --once end to end")
struct RunOnceTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner

    init() throws {
        workspace = try TemporaryDirectory("casewatch-e2e")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    func editCase(_ name: String, _ edit: (String) -> String) throws {
        let path = "registry/\(name).yaml"
        try workspace.write(path, edit(try workspace.read(path)))
    }

    func eventLines() throws -> [[String: Any]] {
        let result = try casewatch.run(["events", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("a status edit between two runs is recorded as exactly one event")
    func statusEdit() throws {
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try eventLines().isEmpty)  // initial_sync: silent

        try editCase("sakharov-center-liquidation") {
            CaseFileEdit.appendingStep("{date: 2025-11-01, status: closed}", to: $0)
        }
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("1 new event(s) recorded"))

        let events = try eventLines()
        try #require(events.count == 1)
        #expect(events[0]["type"] as? String == "case.status_changed")
        #expect(events[0]["case_id"] as? String == "sakharov-center-liquidation")
        let change = try #require(events[0]["change"] as? [String: Any])
        #expect(change["from"] as? String == "constitutional_complaint_decided")
        #expect(change["to"] as? String == "closed")

        let third = try casewatch.run(["run", "--once"])
        #expect(third.stdout.contains("0 new event(s) recorded"))
        #expect(try eventLines().count == 1)

        let filtered = try casewatch.run(["events", "--case", "meduza-undesirable"])
        #expect(filtered.status == 0 && filtered.stdout.isEmpty)
    }

    @Test("a dry run prints the event and records nothing")
    func dryRun() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try editCase("sova-center-liquidation") {
            $0.replacingOccurrences(of: "\ncourt: ", with: "\ncourt: Supreme Court of Russia\nformer_court: ")
        }
        let dry = try casewatch.run(["run", "--once", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("case.updated sova-center-liquidation: changed: court"))
        #expect(dry.stderr.contains("former_court: unknown field, ignored"))
        #expect(try eventLines().isEmpty)
    }

    @Test("a broken case file exits 65, names the file, and leaves the recorded state as it was")
    func brokenFile() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        let original = try workspace.read("registry/meduza-undesirable.yaml")
        try editCase("meduza-undesirable") {
            $0.replacingOccurrences(of: "status: listed", with: "status: lsited")
        }
        try editCase("sakharov-center-liquidation") {
            CaseFileEdit.appendingStep("{date: 2025-11-01, status: closed}", to: $0)
        }
        let broken = try casewatch.run(["run", "--once"])
        #expect(broken.status == 65)
        #expect(broken.stderr.contains(#"registry/meduza-undesirable.yaml:"#))
        #expect(broken.stderr.contains(#"history[1].status: "lsited" is not a status (did you mean "listed"?)"#))
        #expect(try eventLines().isEmpty)

        let check = try casewatch.run(["check"])
        #expect(check.status == 65)

        try workspace.write("registry/meduza-undesirable.yaml", original)
        let fixed = try casewatch.run(["run", "--once"])
        #expect(fixed.status == 0)
        #expect(try eventLines().map { $0["case_id"] as? String } == ["sakharov-center-liquidation"])
    }

    @Test("a case file removed from the registry becomes case.removed")
    func removal() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try FileManager.default.removeItem(at: workspace.url.appendingPathComponent("registry/article-19-undesirable.yaml"))
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        let events = try eventLines()
        #expect(events.map { $0["type"] as? String } == ["case.removed"])
        #expect(events.first?["case_id"] as? String == "article-19-undesirable")
    }

    @Test("a second run while one holds the lock exits 75 and does nothing")
    func lockHeld() throws {
        let lock = try FileRunCoordinator(statePath: workspace.url.appendingPathComponent("var/casewatch.sqlite").path).acquire()
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 75)
        #expect(second.stderr.contains("another CaseWatch run holds"))
        #expect(!FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("var/casewatch.sqlite").path))
        withExtendedLifetime(lock) {}
    }

    @Test("usage errors exit 64")
    func usage() throws {
        #expect(try casewatch.run(["run"]).status == 64)
        #expect(try casewatch.run(["events", "--since", "yesterday"]).status == 64)
    }

    @Test("check on the sample set-up is clean")
    func check() throws {
        let result = try casewatch.run(["check"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test("an empty case file (caught mid-write) is refused, not read as the removal of its cases")
    func emptyFile() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try workspace.write("registry/meduza-undesirable.yaml", "")
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("registry/meduza-undesirable.yaml: the file is empty"))
        #expect(try eventLines().isEmpty)
    }

    @Test("an unchanged file is not read again; a case moved to another file unchanged stays, silently")
    func unchangedFiles() throws {
        usleep(100_000)  // files changed within 50 ms of a read are read again next time (racily clean)
        #expect(try casewatch.run(["run", "--once"]).stdout.contains("29 case(s) in the registry (29 read anew)"))
        #expect(try casewatch.run(["run", "--once"]).stdout.contains("29 case(s) in the registry (0 read anew)"))
        // Move one case into a file of its own name: same content, another file.
        let text = try workspace.read("registry/sova-center-liquidation.yaml")
        try FileManager.default.removeItem(at: workspace.url.appendingPathComponent("registry/sova-center-liquidation.yaml"))
        try workspace.write("registry/zz-moved.yaml", text)
        usleep(100_000)
        let moved = try casewatch.run(["run", "--once"])
        #expect(moved.stdout.contains("29 case(s) in the registry (1 read anew), 0 new event(s)"), "\(moved.stdout)")
        let again = try casewatch.run(["run", "--once"])
        #expect(again.stdout.contains("29 case(s) in the registry (0 read anew), 0 new event(s)"), "\(again.stdout)")
        #expect(try eventLines().isEmpty)
    }

    @Test("an id in a changed file that an unchanged file holds is a duplicate")
    func duplicateAgainstUnchangedFile() throws {
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try workspace.write("registry/zz-copy.yaml", try workspace.read("registry/meduza-undesirable.yaml"))
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 65)
        #expect(run.stderr.contains(#"registry/zz-copy.yaml: id: "meduza-undesirable" is already used by registry/meduza-undesirable.yaml"#))
    }
}
