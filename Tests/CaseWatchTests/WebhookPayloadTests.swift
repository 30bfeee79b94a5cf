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
    func validate(_ payloads: [[UInt8]]) throws -> String {
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
        process.arguments = ["-c", script, RepositoryFiles.url("schemas/webhook-payload.v1.json").path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every event type's payload conforms to the shipped JSON Schema")
    func schema() throws {
        let subscriber = Subscriber(id: "coe-commissioner", name: "CoE", language: .fr,
                                    webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        let payloads = EventType.allCases.map { type in
            WebhookPayload.body(event: RenderingTests.event(type), subscriber: subscriber, summary: "Résumé « test »")
        }
        #expect(try validate(payloads) == "checked\n")
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
