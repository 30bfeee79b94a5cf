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

/// Files written to hurt: each is refused quickly with a short, clear message, and nothing is recorded.
@Suite("Hostile input files")
struct HostileInputTests {
    /// 9 levels of 9 aliases: about 387 million nodes once expanded, from a few hundred bytes.
    static let aliasBomb: String = {
        var lines = [#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    let workspace: TemporaryDirectory
    let casewatch: CommandRunner

    init() throws {
        workspace = try TemporaryDirectory("casewatch-hostile")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    /// A bomb in a case file or the configuration stops the run (exit 65, nothing recorded); in a subscriber's file it
    /// stops `check`, while `run` skips that subscriber, says why, and goes on for everyone else (SPEC,
    /// "Compatibility").
    @Test("a YAML alias bomb as a case, a subscriber or the configuration: refused at once, named, nothing expanded",
          arguments: ["registry/bomb.yaml", "subscribers/bomb.yaml", "casewatch.yml"])
    func aliasBomb(file: String) throws {
        #expect(Self.aliasBomb.utf8.count < 500)
        try workspace.write(file, Self.aliasBomb + (file == "casewatch.yml" ? "state: var/casewatch.sqlite\n" : "id: bomb\n"))
        let subscriber = file.hasPrefix("subscribers/")
        for command in [["check"], ["run", "--once"]] {
            let started = Date()
            let result = try casewatch.run(command, timeout: 20)
            let expected: Int32 = subscriber && command == ["run", "--once"] ? 0 : 65
            #expect(result.status == expected, "\(command): \(result.stderr.prefix(500))")
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(result.stderr.contains("\(file):"))
            #expect(result.stderr.contains("aliases expand to more than"))
            #expect(result.stderr.utf8.count < 4_000)
        }
        if file == "casewatch.yml" {
            #expect(!FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("var/casewatch.sqlite").path))
        } else if subscriber {
            // The run went on without the bomb's subscriber: the registry is recorded.
            let status = try casewatch.run(["status", "--json"])
            #expect(status.stdout.contains(#""registry_size":29"#), "\(status.output)")
        } else {
            let status = try casewatch.run(["status", "--json"])
            #expect(status.stdout.contains(#""registry_size":0"#) && !status.stdout.contains("last_cycle"), "\(status.output)")
        }
    }

    @Test("a duplicate key names the key and its line, and does not echo the file")
    func duplicateKey() throws {
        let filler = String(repeating: "# padding that must not be echoed back\n", count: 5_000)
        try workspace.write("registry/dup.yaml", "id: dup-case\n" + filler + "id: again\n")
        let result = try casewatch.run(["check"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("registry/dup.yaml"))
        #expect(result.stderr.contains("duplicate key \"id\""))
        #expect(!result.stderr.contains("padding that must not be echoed"))
        #expect(result.stderr.utf8.count < 4_000)
    }
}
