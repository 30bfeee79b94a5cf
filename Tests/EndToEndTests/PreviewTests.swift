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

/// `casewatch preview` for every example subscriber and every event type, on the sample set-up.
@Suite("preview")
struct PreviewTests {
    static let subscribers = ["ru-journalist", "coe-commissioner", "en-digest-reader", "memorial-lawyer"]
    static let casewatch: CommandRunner = {
        let directory = try! TemporaryDirectory("casewatch-preview")
        try! RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        // The folder lives as long as the test process; it is under the system's temporary directory.
        _ = Unmanaged.passRetained(directory)
        return CommandRunner(directory: directory.url,
                             environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }()

    @Test("shows the whole message or request", arguments: subscribers, EventType.allCases)
    func preview(subscriber: String, event: EventType) throws {
        let result = try Self.casewatch.run([
            "preview", "--case", "international-memorial-liquidation", "--subscriber", subscriber,
            "--event", event.rawValue,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# evt_") && result.stdout.contains(event.rawValue))
        if subscriber == "coe-commissioner" {
            #expect(result.stdout.contains("POST https://hooks.example.org/casewatch"))
            #expect(result.stdout.contains("webhook-signature: v1,"))
            #expect(result.stdout.contains(#""subscriber":"coe-commissioner","language":"fr""#))
        } else {
            #expect(result.stdout.contains("\nSubject: "))
            #expect(result.stdout.contains("--- text/plain; charset=utf-8 (decoded) ---"))
            #expect(result.stdout.contains("--- text/html; charset=utf-8 (decoded) ---"))
            #expect(result.stdout.contains("International Memorial") || result.stdout.contains("Мемориал"))
        }
    }

    @Test("an unknown case or subscriber is bad input")
    func unknown() throws {
        #expect(try Self.casewatch.run(["preview", "--case", "nope", "--subscriber", "ru-journalist"]).status == 65)
        #expect(try Self.casewatch.run(["preview", "--case", "sova-center-liquidation", "--subscriber", "nope"])
            .status == 65)
    }

    @Test("--log-format json writes one JSON object per log line")
    func jsonLogs() throws {
        // A set-up of its own: a run creating the store while a preview opens it would race.
        let directory = try TemporaryDirectory("casewatch-json-logs")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        let casewatch = CommandRunner(directory: directory.url,
                                      environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        let result = try casewatch.run(["run", "--once", "--verbose", "--log-format", "json"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String)
        }
        // The run's summary on stdout is a JSON object too, with the same counts the human line gives.
        let summary = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        let cycle = try #require(object["cycle"] as? [String: Int])
        #expect(object["message"] as? String == "cycle done")
        #expect(cycle["registry_cases"] == 29 && cycle["events_recorded"] != nil && cycle["sent"] != nil, "\(cycle)")
    }

    @Test("--version names the release")
    func version() throws {
        let result = try Self.casewatch.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "2.0.0\n")
    }
}
