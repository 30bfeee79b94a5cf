import CaseWatchApp
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation
import Logging
import Testing

/// A silent first sync of case files is recorded as it is read (``DetectionCycle/runFirstSync(now:)``): it must
/// store exactly what the ordinary path stores, roll back whole on bad input found late, and still send the
/// reminders due.
@Suite("First sync recorded as it is read")
struct FirstSyncTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-30T07:00:00Z")!

    /// A set-up whose registry holds `count` cases in a JSON file (read through the intake thread) and two YAML
    /// files, one with a hearing tomorrow.
    func setUp(initialSync: String, count: Int = 700) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("casewatch-first-sync")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}], initial_sync: \(initialSync)}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            schedule: {reminders: [7d, 1d]}

            """)
        let cases = (0..<count).map { n in
            """
            {"id": "org-\(n)-liquidation", "subject": {"kind": "organisation", "name": {"en": "Organisation \(n)", "ru": "Организация \(n)"}},
             "country": "RU", "type": "liquidation", "court": "Moscow City Court",
             "next_hearing": \(n % 50 == 0 ? "{\"date\": \"2027-0\(1 + n % 9)-1\(n % 10)\", \"time\": \"10:00\"}" : "null"),
             "history": [{"date": "2023-0\(1 + n % 9)-1\(n % 10)", "status": "claim_filed"}],
             "sources": ["https://example.org/\(n)"], "tags": \(n % 2 == 0 ? "[\"ngo-law\"]" : "[]")}
            """
        }
        try directory.write("registry/many.json", "[\n" + cases.joined(separator: ",\n") + "\n]\n")
        try directory.write("registry/sova.yaml", """
            id: sova-center-liquidation
            subject: {kind: organisation, name: {en: SOVA Center, ru: Центр «СОВА»}}
            country: RU
            type: liquidation
            court: Moscow City Court
            next_hearing: {date: 2026-12-01, time: "10:00"}
            history:
              - {date: 2026-11-20, status: claim_filed}
            sources: [https://example.org/sova]

            """)
        try directory.write("registry/meduza.yaml", """
            id: meduza-undesirable
            subject: {kind: organisation, name: {en: Meduza, ru: Медуза}, websites: [meduza.io]}
            country: RU
            type: undesirable
            history:
              - {date: 2023-01-23, status: decision, authority: Prosecutor General's Office}
              - {date: 2023-01-26, status: listed, authority: Ministry of Justice}
            sources: [https://example.org/meduza]

            """)
        try directory.write("subscribers/counsel.yaml", """
            id: counsel
            name: Counsel
            email: counsel@example.org
            filter: {events: [case.hearing_reminder]}

            """)
        return directory
    }

    @discardableResult
    func cycle(_ directory: TemporaryDirectory) async throws -> CycleRunner.Report {
        let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
        let runner = CycleRunner(configuration: configuration, environment: [:], logger: Logger(label: "test"))
        return try await runner.runOnce(dryRun: false, now: Self.now)
    }

    func store(_ directory: TemporaryDirectory) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
    }

    @Test("stores every snapshot byte for byte as the ordinary path does, with its source, and knows the files after")
    func sameSnapshots() async throws {
        let streamed = try setUp(initialSync: "silent")
        let ordinary = try setUp(initialSync: "announce")
        let first = try #require(try await cycle(streamed).detection)
        try await cycle(ordinary)
        #expect(first.registrySize == 702)
        #expect(first.casesRead == 702)
        let (a, b) = (try store(streamed), try store(ordinary))
        #expect(try await a.caseCount() == 702)
        #expect(try await a.casesJSON() == (try await b.casesJSON()))
        let (digestsA, sourcesA) = try await a.seenSnapshots()
        let (digestsB, sourcesB) = try await b.seenSnapshots()
        #expect(digestsA == digestsB)
        #expect(sourcesA == sourcesB)
        #expect(sourcesA["org-5-liquidation"] == "registry/many.json")
        #expect(try await a.fileSignatures().keys.sorted()
            == ["registry/many.json", "registry/meduza.yaml", "registry/sova.yaml"])
        #expect(try await a.hasSynced())
        // The next run finds every file unchanged: nothing read anew, nothing new.
        let second = try #require(try await cycle(streamed).detection)
        #expect(second.casesRead == 0)
        #expect(second.events.isEmpty)
        #expect(second.registrySize == 702)
    }

    @Test("a duplicate id found after hundreds of cases were stored rolls the whole first sync back")
    func rollsBack() async throws {
        let directory = try setUp(initialSync: "silent")
        // Read last (files are read by name): its id is one the JSON file stored chunks ago.
        let duplicate = try directory.write("registry/zz-duplicate.yaml", """
            id: org-3-liquidation
            subject: {kind: organisation, name: {en: Organisation 3}}
            country: RU
            type: liquidation
            history:
              - {date: 2023-04-13, status: claim_filed}

            """)
        await #expect(throws: InputError.self) { try await cycle(directory) }
        let store = try store(directory)
        #expect(try await store.caseCount() == 0)
        #expect(try await !store.hasSynced())
        #expect(try await store.fileSignatures().isEmpty)
        #expect(try await store.events().isEmpty)
        try FileManager.default.removeItem(at: duplicate)
        let report = try #require(try await cycle(directory).detection)
        #expect(report.registrySize == 702)
        #expect(try await store.caseCount() == 702)
    }

    @Test("the reminders due are sent on a streamed first sync, with their evidence, and nothing else is announced")
    func reminders() async throws {
        let directory = try setUp(initialSync: "silent")
        let report = try #require(try await cycle(directory).detection)
        #expect(report.events.map(\.type) == [.hearingReminder])
        let reminder = try #require(report.events.first)
        #expect(reminder.caseID == "sova-center-liquidation")
        #expect(reminder.evidence?.source == "registry/sova.yaml")
        #expect(reminder.evidence?.sha256 == reminder.snapshot.canonicalSHA256)
        #expect(report.deliveries == 1)
        let recorded = try await store(directory).events()
        #expect(recorded.map(\.id) == [reminder.id])
        let mail = directory.url.appendingPathComponent("var/mail")
        let files = try FileManager.default.contentsOfDirectory(atPath: mail.path)
        #expect(files.count == 1)
        let text = try String(contentsOf: mail.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(text.contains("<counsel@example.org>"))
    }

    @Test("a store without a streamed path (PostgreSQL, memory) gathers the stream and records it as one detection")
    func gathered() async throws {
        let store = MemoryStateStore()
        var second = CaseFixtures.helsinki
        second.id = "another-case"
        let cases = [CaseFixtures.helsinkiRuled, second]
        let streamed = StreamedDetection(
            stream: { withCases, put in
                #expect(withCases)
                for legalCase in cases {
                    let json = legalCase.canonicalJSON
                    try put(SnapshotRow(id: legalCase.id, digest: SnapshotDigest(json), source: "registry/a.yaml",
                                        hearingAt: nil), legalCase, json[...])
                }
            },
            rest: { DetectionRecord(diff: RegistryDiff(), registrySize: 2, startedAt: Self.now, finishedAt: Self.now) })
        let (events, deliveries) = try await store.recordStreamed(streamed)
        #expect(events.isEmpty && deliveries == 0)
        #expect(try await store.caseCount() == 2)
        #expect(try await store.hasSynced())
        let (digests, sources) = try await store.seenSnapshots()
        #expect(digests["another-case"] == SnapshotDigest(second.canonicalJSON))
        #expect(sources == ["another-case": "registry/a.yaml", CaseFixtures.helsinkiRuled.id: "registry/a.yaml"])
    }

    @Test("a case that claims an entry of a list not read keeps its warning, and is stored")
    func claims() async throws {
        let directory = try setUp(initialSync: "silent", count: 10)
        try directory.write("registry/claimer.yaml", """
            id: golos-foreign-agent
            subject: {kind: organisation, name: {en: Golos, ru: Голос}}
            country: RU
            type: foreign_agent
            imports: ["minjust-foreign-agents:123"]
            history:
              - {date: 2021-08-18, status: designated, authority: Ministry of Justice}

            """)
        let report = try #require(try await cycle(directory).detection)
        #expect(report.registrySize == 13)
        #expect(report.warnings.contains { $0.field == "imports" && $0.file == "registry/claimer.yaml" })
        #expect(try await store(directory).snapshots(ids: ["golos-foreign-agent"]).count == 1)
    }
}
