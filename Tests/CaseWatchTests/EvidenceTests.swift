import CaseWatchTesting
import Foundation
import Logging
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

/// Evidence: every event records where its facts came from — the source, when it was read, the list's as-of date,
/// and a SHA-256 of what was read — and webhooks (version 2), e-mails and `events --json` show it.
@Suite("Evidence of events")
struct EvidenceTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A registry folder with one case, a version-2 and a version-1 webhook, written to files.
    static func workspace(caseFile: String = "sova.yaml", hearing: String = "null") throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("casewatch-evidence")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}], initial_sync: announce}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            schedule: {reminders: [7d]}

            """)
        try writeCase(in: directory, file: caseFile, steps: ["{date: 2026-11-20, status: claim_filed}"], hearing: hearing)
        for version in [1, 2] {
            try directory.write("subscribers/hook-v\(version).yaml", """
                id: hook-v\(version)
                name: Hook v\(version)
                webhook: {url: "https://hooks.example.org/v\(version)", version: \(version), secret_env: CW_HOOK_SECRET}

                """)
        }
        return directory
    }

    static func writeCase(in directory: TemporaryDirectory, file: String = "sova.yaml", steps: [String],
                          hearing: String = "null") throws {
        try directory.write("registry/\(file)", """
            id: sova-center-liquidation
            subject: {kind: organisation, name: {en: SOVA Center, ru: Центр «СОВА»}}
            country: RU
            type: liquidation
            court: Moscow City Court
            next_hearing: \(hearing)
            history:
            \(steps.map { "  - \($0)" }.joined(separator: "\n"))
            sources: [https://example.org/sova]

            """)
    }

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @discardableResult
    static func cycle(_ directory: TemporaryDirectory, _ now: String) async throws -> CycleRunner.Report {
        let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
        let runner = CycleRunner(configuration: configuration, environment: ["CW_HOOK_SECRET": secret],
                                 logger: Logger(label: "test"))
        return try await runner.runOnce(dryRun: false, now: at(now))
    }

    static func store(_ directory: TemporaryDirectory) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
    }

    /// The webhook bodies written for `subscriber`, as the receiver gets them, by event id.
    static func webhookBodies(_ directory: TemporaryDirectory, subscriber: String) throws -> [String: [UInt8]] {
        let folder = directory.url.appendingPathComponent("var/webhooks")
        var bodies: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let request = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            guard (request["url"] as? String)?.hasSuffix("/\(subscriber.suffix(2))") == true else { continue }
            let body = try #require(request["body"])
            let bytes = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            let object = try #require(body as? [String: Any])
            bodies[try #require(object["id"] as? String)] = Array(bytes)
        }
        return bodies
    }

    /// SHA-256 of `bytes` by `sha256sum`: a reading of the digest independent of CaseWatch's own.
    static func sha256sum(_ bytes: [UInt8]) throws -> String {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("bytes")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    @Test("an event about a folder's case names the case file, the cycle's moment and the SHA-256 of the case's canonical JSON; the version-2 webhook carries it and conforms to the schema; the version-1 body is unchanged")
    func folderCase() async throws {
        let directory = try Self.workspace()
        try await Self.cycle(directory, "2026-11-30T07:00:00Z")  // announced: case.added
        try Self.writeCase(in: directory, steps: ["{date: 2026-11-20, status: claim_filed}",
                                                  "{date: 2026-11-29, status: ruling_issued, outcome: granted}"])
        try await Self.cycle(directory, "2026-12-01T09:00:00Z")  // case.status_changed

        let events = try await Self.store(directory).events()
        #expect(events.map(\.type) == [.added, .statusChanged])
        let read = RegistryFolder(displayPath: "registry/", url: directory.url.appendingPathComponent("registry")).load()
        let legalCase = try #require(read.cases["sova-center-liquidation"])
        let evidence = try #require(events.last?.evidence)
        #expect(evidence.source == "registry/sova.yaml")
        #expect(evidence.fetchedAt == Self.at("2026-12-01T09:00:00Z"))
        #expect(evidence.asOf == nil)
        #expect(evidence.sha256 == (try Self.sha256sum(legalCase.canonicalJSON)))
        #expect(events.first?.evidence?.fetchedAt == Self.at("2026-11-30T07:00:00Z"))
        #expect(events.first?.evidence?.sha256 != evidence.sha256)  // the case as read then

        let version2 = try Self.webhookBodies(directory, subscriber: "hook-v2")
        #expect(version2.count == 2)
        let body = try #require(version2[events[1].id])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let carried = try #require(object["evidence"] as? [String: Any])
        #expect(carried["source"] as? String == "registry/sova.yaml")
        #expect(carried["fetched_at"] as? String == "2026-12-01T09:00:00Z")
        #expect(carried["as_of"] is NSNull)
        #expect(carried["sha256"] as? String == evidence.sha256)
        #expect(try WebhookPayloadTests().validate(Array(version2.values), version: 2) == "checked\n")

        // Version 1: the body of the release before, key for key, whatever the evidence.
        let version1 = try Self.webhookBodies(directory, subscriber: "hook-v1")
        #expect(version1.count == 2)
        let subscriber = Subscriber(id: "hook-v1", name: "Hook v1",
                                    webhook: WebhookEndpoint(url: "https://hooks.example.org/v1", secretEnv: "S"))
        for event in events {
            let sent = try #require(version1[event.id])
            #expect(!String(decoding: sent, as: UTF8.self).contains("evidence"))
            var bare = event
            bare.evidence = nil
            #expect(WebhookPayload.body(event: event, subscriber: subscriber, summary: "s")
                == WebhookPayload.body(event: bare, subscriber: subscriber, summary: "s"))
        }
        #expect(try WebhookPayloadTests().validate(Array(version1.values), version: 1) == "checked\n")
    }

    @Test("the same change read from another file, or at another time, has the same event ids: evidence is no part of them")
    func idsUnchanged() async throws {
        var ids: [[String]] = []
        for file in ["sova.yaml", "elsewhere.yaml"] {
            let directory = try Self.workspace(caseFile: file)
            try await Self.cycle(directory, file == "sova.yaml" ? "2026-11-30T07:00:00Z" : "2026-11-30T08:00:00Z")
            try Self.writeCase(in: directory, file: file, steps: ["{date: 2026-11-20, status: claim_filed}",
                                                                  "{date: 2026-11-29, status: ruling_issued}"])
            try await Self.cycle(directory, "2026-12-01T09:00:00Z")
            let events = try await Self.store(directory).events()
            #expect(events.allSatisfy { $0.evidence?.source == "registry/\(file)" })
            ids.append(events.map(\.id))
            // Each id is the one the event's content gives, with no evidence.
            var previous: String?
            for event in events {
                let id = CaseEvent.id(caseID: event.caseID, type: event.type, change: event.change,
                                      occurredOn: event.occurredOn, previousEventID: previous)
                #expect(event.id == id)
                previous = event.id
            }
        }
        #expect(ids.count == 2 && ids[0].count == 2 && ids[0] == ids[1])
    }

    @Test("a reminder about a case whose file was not read this cycle names the recorded source, with no read time")
    func frozenReminder() async throws {
        let directory = try Self.workspace(hearing: "{date: 2026-12-10, time: \"10:00\", court: Moscow City Court}")
        try await Self.cycle(directory, "2026-12-01T10:00:00Z")  // case.added; nine days ahead: no reminder yet
        try await Self.cycle(directory, "2026-12-03T10:30:00Z")  // the file unchanged: its source is not read
        let events = try await Self.store(directory).events()
        let reminder = try #require(events.first { $0.type == .hearingReminder })
        let evidence = try #require(reminder.evidence)
        #expect(evidence.source == "registry/sova.yaml")
        #expect(evidence.fetchedAt == nil)
        #expect(evidence.sha256 == reminder.snapshot.canonicalSHA256)
        let body = try #require(try Self.webhookBodies(directory, subscriber: "hook-v2")[reminder.id])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect((object["evidence"] as? [String: Any])?["fetched_at"] is NSNull)
        #expect(try WebhookPayloadTests().validate([body], version: 2) == "checked\n")
    }

    @Test("an official list's case: its source, its as-of date and its row's digest; a list's case without a row: its canonical JSON")
    func listedCase() throws {
        var load = RegistryLoad()
        load.carry(CaseFixtures.helsinki, source: "minjust-undesirable")
        load.lists["minjust-undesirable"] = CalendarDate("2025-03-01")
        let now = Self.at("2026-12-01T09:00:00Z")
        let carried = try #require(load.evidence(of: CaseFixtures.helsinki.id, readAt: now))
        #expect(carried == Evidence(source: "minjust-undesirable", fetchedAt: now, asOf: CalendarDate("2025-03-01"),
                                    sha256: CaseFixtures.helsinki.canonicalSHA256))
        let row = String(repeating: "ab", count: 32)
        load.rowDigests[CaseFixtures.helsinki.id] = row
        #expect(load.evidence(of: CaseFixtures.helsinki.id, readAt: now)?.sha256 == row)
        #expect(load.evidence(of: "no-such-case", readAt: now) == nil)
    }

    @Test("the e-mail's footer names the source and the list's as-of date in the reader's language; nothing else changes",
          arguments: [(Language.en, "Source: minjust-undesirable, as of 1 March 2025"),
                      (.ru, "Источник: minjust-undesirable, по состоянию на 1 марта 2025 г."),
                      (.fr, "Source\u{00A0}: minjust-undesirable, à jour au 1er mars 2025")])
    func emailFooter(language: Language, line: String) throws {
        let subscriber = Subscriber(id: "reader", name: "Reader", language: language, email: "reader@example.org",
                                    timezone: "Europe/Paris")
        let bare = RenderingTests.event(.statusChanged)
        var event = bare
        event.evidence = Evidence(source: "minjust-undesirable", fetchedAt: CaseFixtures.detectedAt,
                                  asOf: CalendarDate("2025-03-01"), sha256: String(repeating: "0", count: 64))
        func render(_ event: CaseEvent) -> RenderedAlert {
            RenderingTests.renderer.render(event, for: subscriber, unsubscribeURL: "https://alerts.example.org/u",
                                           now: CaseFixtures.detectedAt)
        }
        let (with, without) = (render(event), render(bare))
        #expect(with.text.contains("\n" + line + "\n\n-- \n"))
        #expect(with.html.contains("<br>" + line + "</p>"))
        #expect(with.text.replacingOccurrences(of: line + "\n", with: "") == without.text)
        #expect(with.html.replacingOccurrences(of: "<br>" + line, with: "") == without.html)
        #expect(with.subject == without.subject && with.summary == without.summary)

        // Without an as-of date (a case file), the source alone.
        event.evidence?.source = "registry/sova.yaml"
        event.evidence?.asOf = nil
        let source = line.components(separatedBy: ",")[0].replacingOccurrences(of: "minjust-undesirable",
                                                                               with: "registry/sova.yaml")
        #expect(render(event).text.contains("\n" + source + "\n\n-- \n"))
    }

    @Test("an event stored by the release before (no evidence) still decodes; evidence round-trips under its snake_case keys")
    func storedForms() throws {
        // An event as the release before stored it (from Tests/Fixtures/release-1/casewatch.sqlite).
        let old = #"""
            {"case":{"claimant":"Prosecutor General's Office of the Russian Federation","country":"RU","court":"Supreme Court of the Russian Federation","history":[{"date":"2021-11-08","status":"claim_filed"},{"date":"2021-12-28","outcome":"granted","status":"ruling_issued"}],"id":"international-memorial-liquidation","next_hearing":{"court":"Supreme Court of Russia","date":"2027-03-15","time":"10:00"},"outcome":"granted","sources":["https://www.memo.ru/en-us/memorial/departments/intermemorial/news/682"],"status":"ruling_issued","subject":{"kind":"organisation","name":{"en":"International Memorial","fr":"Memorial International","ru":"Международный Мемориал"}},"tags":["memorial"],"type":"liquidation"},"case_id":"international-memorial-liquidation","change":{"hearing":{"court":"Supreme Court of Russia","date":"2027-03-15","time":"10:00"}},"detected_at":"2026-11-30T10:40:33Z","id":"evt_xyjedcjw23hwypyvtphvzclmya","type":"case.hearing_scheduled"}
            """#
        let decoded = try JSONDecoder.caseWatch.decode(CaseEvent.self, from: Data(old.utf8))
        #expect(decoded.id == "evt_xyjedcjw23hwypyvtphvzclmya")
        #expect(decoded.evidence == nil)
        #expect(!String(decoding: try JSONEncoder.caseWatch.encode(decoded), as: UTF8.self).contains("evidence"))

        var event = RenderingTests.event(.statusChanged)
        let id = event.id
        event.evidence = Evidence(source: "registry/x.yaml", fetchedAt: CaseFixtures.detectedAt,
                                  asOf: CalendarDate("2025-03-01"), sha256: String(repeating: "f", count: 64))
        let json = try JSONEncoder.caseWatch.encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let stored = try #require(object["evidence"] as? [String: Any])
        #expect(stored["source"] as? String == "registry/x.yaml")
        #expect(stored["fetched_at"] as? String == "2025-11-26T10:00:00Z")
        #expect(stored["as_of"] as? String == "2025-03-01")
        #expect(stored["sha256"] as? String == String(repeating: "f", count: 64))
        let back = try JSONDecoder.caseWatch.decode(CaseEvent.self, from: json)
        #expect(back == event && back.id == id)
    }
}
