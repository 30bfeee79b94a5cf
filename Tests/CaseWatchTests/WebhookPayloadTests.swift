import CaseWatchTesting
import Foundation
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

@Suite("Webhook payloads")
struct WebhookPayloadTests {
    /// Validates payloads with the Python `jsonschema` package: an independent reading of the schema.
    func validate(_ payloads: [[UInt8]], version: Int = 1) throws -> String {
        let directory = try TemporaryDirectory()
        for (index, payload) in payloads.enumerated() {
            try Data(payload).write(to: directory.url.appendingPathComponent("\(index).json"))
        }
        let script = """
            import json, sys, glob, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            for path in sorted(glob.glob(sys.argv[2] + "/*.json")):
                for error in validator.iter_errors(json.load(open(path))):
                    print(path, error.message)
            print("checked")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, RepositoryFiles.url("schemas/webhook-payload.v\(version).json").path,
                             directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every event type a version-1 receiver gets conforms to the version-1 schema; it gets no other type")
    func schema() throws {
        let subscriber = Subscriber(id: "coe-commissioner", name: "CoE", language: .fr,
                                    webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        let types = EventType.allCases.filter { WebhookPayload.delivers($0, version: 1) }
        #expect(Set(types) == EventType.version1)
        // Every case type and status of the sample registry, mapped to version 1's neighbours.
        let events = types.map { RenderingTests.event($0) } + CaseJSONReaderTests.sampleCases.flatMap { legalCase in
            [EventType.statusChanged, .added].map { PreviewEvent.make(type: $0, legalCase: legalCase, now: CaseFixtures.detectedAt) }
        }
        let payloads = events.map { event in
            WebhookPayload.body(event: event, subscriber: subscriber, summary: "Résumé « test »")
        }
        #expect(try validate(payloads) == "checked\n")
    }

    @Test("every event type's version-2 payload conforms to the version-2 schema, for every case of the sample registry")
    func schemaVersion2() throws {
        let subscriber = Subscriber(id: "coe-commissioner", name: "CoE", language: .fr,
                                    webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S", version: 2))
        let (gazetteer, _) = AuthorityDirectory(displayPath: "authorities/", url: RepositoryFiles.url("authorities"),
                                                required: true).load()
        let events = EventType.allCases.map { RenderingTests.event($0) } + CaseJSONReaderTests.sampleCases.flatMap { legalCase in
            EventType.allCases.map { PreviewEvent.make(type: $0, legalCase: legalCase, now: CaseFixtures.detectedAt) }
        }
        let payloads = events.map { event in
            WebhookPayload.body(event: event, subscriber: subscriber, summary: "Résumé « test »", gazetteer: gazetteer)
        }
        #expect(try validate(payloads, version: 2) == "checked\n")
    }

    @Test("a version-1 body maps new statuses, outcomes and types to version 1's neighbours and takes the step's outcome")
    func version1Mapping() throws {
        let subscriber = Subscriber(id: "s", name: "S", webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        var legalCase = CaseFixtures.helsinki
        legalCase.type = .criminal
        legalCase.history = [CaseStep(date: CalendarDate("2024-02-27")!, status: .verdict, outcome: .convicted)]
        (legalCase.status, legalCase.outcome) = LegalCase.derivedStatus(of: legalCase.history)!
        let event = CaseEvent(type: .statusChanged, snapshot: legalCase,
                              change: CaseChange(from: .trialStarted, to: .verdict, outcome: .convicted,
                                                 step: legalCase.history[0]),
                              occurredOn: legalCase.history[0].date, detectedAt: CaseFixtures.detectedAt)
        let object = try #require(try JSONSerialization.jsonObject(
            with: Data(WebhookPayload.body(event: event, subscriber: subscriber, summary: "s"))) as? [String: Any])
        let change = try #require(object["change"] as? [String: Any])
        #expect(change["from"] as? String == "hearing_scheduled" && change["to"] as? String == "ruling_issued")
        #expect(change["outcome"] as? String == "granted")
        #expect((object["case"] as? [String: Any])?["type"] as? String == "criminal")
        #expect(!WebhookPayload.delivers(.corrected, version: 1) && WebhookPayload.delivers(.corrected, version: 2))
    }

    @Test("the body carries SPEC's fields")
    func fields() throws {
        let subscriber = Subscriber(id: "coe-commissioner", name: "CoE", language: .fr,
                                    webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        let event = RenderingTests.event(.statusChanged)
        let body = WebhookPayload.body(event: event, subscriber: subscriber, summary: "s")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["id"] as? String == event.id)
        #expect(object["version"] as? Int == 1)
        #expect(object["occurred_on"] as? String == "2023-01-25")
        #expect(object["detected_at"] as? String == "2025-11-26T10:00:00Z")
        let change = try #require(object["change"] as? [String: Any])
        #expect(change["from"] as? String == "claim_filed" && change["to"] as? String == "ruling_issued")
        #expect(change["outcome"] as? String == "granted")
        let legalCase = try #require(object["case"] as? [String: Any])
        #expect((legalCase["subject"] as? [String: Any])?["kind"] as? String == "organisation")
        #expect(object["language"] as? String == "fr")
    }
}
