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
import Logging
import Testing

/// Digests and hearing reminders, driven by a manual clock through whole cycles, with the store closed
/// and opened again between cycles as a restart does.
@Suite("Digests and hearing reminders")
struct SchedulingTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("casewatch-scheduling")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            schedule: {reminders: [7d, 1d]}

            """)
        try writeCase(steps: ["{date: 2026-11-20, status: claim_filed}"])
        try directory.write("subscribers/digest.yaml", """
            id: research-desk
            name: Research desk
            email: desk@example.org
            delivery: digest
            digest: "0 8 * * 1-5"
            timezone: Europe/London

            """)
        try directory.write("subscribers/reminders.yaml", """
            id: counsel
            name: Counsel
            email: counsel@example.org
            filter: {events: [case.hearing_reminder]}

            """)
    }

    func writeCase(steps: [String], hearing: String = "null") throws {
        try directory.write("registry/sova.yaml", """
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

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// One `run --once` at `now`, as a fresh process would do it (the store is opened anew).
    @discardableResult
    func cycle(_ now: String) async throws -> CycleRunner.Report {
        let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
        let runner = CycleRunner(configuration: configuration, environment: [:], logger: Logger(label: "test"))
        return try await runner.runOnce(dryRun: false, now: at(now))
    }

    func mails(to address: String) throws -> [String] {
        let folder = directory.url.appendingPathComponent("var/mail")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.sorted().map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
            .filter { $0.contains("<\(address)>") }
    }

    @Test("one digest per slot with events, none when nothing happened, none twice, none lost in an outage")
    func digests() async throws {
        try await cycle("2026-11-30T07:00:00Z")  // Monday: first sync, silent
        try writeCase(steps: ["{date: 2026-11-20, status: claim_filed}", "{date: 2026-11-29, status: hearing_scheduled}"])
        try await cycle("2026-11-30T07:30:00Z")
        #expect(try mails(to: "desk@example.org").isEmpty)  // before the 08:00 slot

        try await cycle("2026-11-30T08:05:00Z")
        let first = try mails(to: "desk@example.org")
        #expect(first.count == 1)
        #expect(first.first?.contains("X-CaseWatch: digest 2026-11-30T08:00:00Z 1") == true)

        try await cycle("2026-11-30T08:10:00Z")  // a restart within the same slot
        try await cycle("2026-12-01T08:01:00Z")  // Tuesday's slot, nothing happened
        #expect(try mails(to: "desk@example.org").count == 1)

        try writeCase(steps: ["{date: 2026-11-20, status: claim_filed}", "{date: 2026-11-29, status: hearing_scheduled}",
                              "{date: 2026-12-01, status: ruling_issued, outcome: granted}"])
        try await cycle("2026-12-01T09:00:00Z")
        // Down from Tuesday 09:00 to Friday 10:00: Wednesday's and Thursday's slots pass unseen.
        try await cycle("2026-12-04T10:00:00Z")
        let all = try mails(to: "desk@example.org")
        #expect(all.count == 2)
        #expect(all.contains { $0.contains("X-CaseWatch: digest 2026-12-04T08:00:00Z 1") })
        try await cycle("2026-12-04T10:05:00Z")
        #expect(try mails(to: "desk@example.org").count == 2)
    }

    @Test("a reminder at each offset before the hearing, once each, the closest one only, none after")
    func reminders() async throws {
        try writeCase(steps: ["{date: 2026-11-20, status: claim_filed}"],
                      hearing: "{date: 2026-12-10, time: \"10:00\", court: Moscow City Court}")
        try await cycle("2026-12-01T10:00:00Z")  // nine days ahead: nothing yet
        try await cycle("2026-12-02T09:00:00Z")
        #expect(try mails(to: "counsel@example.org").isEmpty)

        try await cycle("2026-12-03T10:30:00Z")  // inside seven days
        try await cycle("2026-12-03T11:00:00Z")  // again: already sent
        #expect(try mails(to: "counsel@example.org").count == 1)

        try await cycle("2026-12-09T11:00:00Z")  // inside one day
        try await cycle("2026-12-10T11:00:00Z")  // after the hearing
        let store = try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
        let reminders = try await store.events().filter { $0.type == .hearingReminder }
        #expect(reminders.map(\.change.daysBefore) == [7, 1])
        #expect(try mails(to: "counsel@example.org").count == 2)
    }

    @Test("a hearing first seen three days ahead gets one reminder, of the window it is in, then the one-day one")
    func lateHearing() {
        var legalCase = CaseFixtures.helsinki
        legalCase.nextHearing = Hearing(date: CalendarDate("2026-12-10")!, time: "10:00")
        let now = at("2026-12-07T07:00:00Z")  // 10:00 Moscow time, three days before
        let first = HearingReminders.due(cases: [legalCase], offsets: [7 * 86400, 86400], now: now)
        #expect(first.map(\.change.daysBefore) == [7])
        #expect(HearingReminders.due(cases: [legalCase], offsets: [7 * 86400, 86400], now: at("2026-12-09T08:00:00Z"))
            .map(\.change.daysBefore) == [1])
        // What it says is the time truly left, counted when it is composed: three days, not seven.
        let alert = AlertRenderer(templates: RenderingTests.templates).render(
            first[0], for: Subscriber(id: "s", name: "S"), unsubscribeURL: nil, now: now)
        #expect(alert.text.contains("is in 3 days: 10 December 2026 at 10:00 Moscow time"))
        #expect(alert.subject.contains("hearing in 3 days"))
    }

    @Test("reminder arithmetic at the window edges, in the court's time zone, across a change of daylight saving time",
          arguments: [
              // Moscow keeps UTC+3 all year; the hearing is at 10:00 there, 07:00 UTC.
              ("2026-12-03T06:59:00Z", [Int]()), ("2026-12-03T07:00:00Z", [7]), ("2026-12-09T06:59:00Z", [7]),
              ("2026-12-09T07:00:00Z", [1]), ("2026-12-10T06:59:00Z", [1]), ("2026-12-10T07:00:00Z", []),
          ])
    func windowEdges(now: String, windows: [Int]) {
        var legalCase = CaseFixtures.helsinki
        legalCase.nextHearing = Hearing(date: CalendarDate("2026-12-10")!, time: "10:00")
        #expect(HearingReminders.due(cases: [legalCase], offsets: [7 * 86400, 86400], now: at(now))
            .map(\.change.daysBefore) == windows, "\(now)")
    }

    @Test("a court in Paris keeps its local time across the end of summer time; time left is counted truly")
    func daylightSaving() throws {
        let gazetteer = Gazetteer([Authority(id: "ecthr", kind: .international, level: .international, country: "FR",
                                             timezone: "Europe/Paris", name: ["en": "European Court of Human Rights"])])
        let rules = DetectionRules(gazetteer: gazetteer)
        var legalCase = CaseFixtures.helsinki
        legalCase.nextHearing = Hearing(date: CalendarDate("2026-10-26")!, time: "09:00", court: "ecthr")
        // 09:00 in Paris on 26 October 2026 (after the change back to UTC+1) is 08:00 UTC.
        #expect(rules.moment(of: legalCase.nextHearing!, in: legalCase) == at("2026-10-26T08:00:00Z"))
        // 26 hours before, across the change: one day and two hours left.
        let now = at("2026-10-25T06:00:00Z")
        #expect(HearingReminders.timeLeft(until: at("2026-10-26T08:00:00Z"), now: now)! == (1, 2))
        let event = try #require(HearingReminders.due(cases: [legalCase], offsets: [7 * 86400, 2 * 86400], now: now,
                                                      rules: rules).first)
        let alert = AlertRenderer(templates: RenderingTests.templates, facts: RenderingFacts(gazetteer: gazetteer))
            .render(event, for: Subscriber(id: "s", name: "S", timezone: "Europe/Moscow"), unsubscribeURL: nil, now: now)
        #expect(alert.text.contains("is in 1 day and 2 hours"))
        #expect(alert.text.contains("09:00 Paris time (11:00 Moscow time for you)"))
    }

    @Test("a hearing that has passed gets no reminder; a deadline ahead gets its reminders, one per window")
    func deadlines() {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.nextHearing = Hearing(date: CalendarDate("2026-12-01")!, time: "10:00")
        legalCase.history[1].deadline = CalendarDate("2026-12-20")
        #expect(HearingReminders.due(cases: [legalCase], offsets: [7 * 86400], now: at("2026-12-02T00:00:00Z")).isEmpty)
        let offsets: [TimeInterval] = [7 * 86400, 2 * 86400]
        #expect(HearingReminders.deadlinesDue(cases: [legalCase], offsets: offsets, now: at("2026-12-10T00:00:00Z")).isEmpty)
        let week = HearingReminders.deadlinesDue(cases: [legalCase], offsets: offsets, now: at("2026-12-14T00:00:00Z"))
        #expect(week.map(\.change.daysBefore) == [7])
        #expect(week.first?.change.step?.deadline == CalendarDate("2026-12-20"))
        #expect(HearingReminders.deadlinesDue(cases: [legalCase], offsets: offsets, now: at("2026-12-19T00:00:00Z"))
            .map(\.change.daysBefore) == [2])
        #expect(HearingReminders.deadlinesDue(cases: [legalCase], offsets: offsets, now: at("2026-12-21T00:00:00Z")).isEmpty)
    }
}
