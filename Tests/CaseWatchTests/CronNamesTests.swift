import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import CaseWatchTesting
import Foundation
import Testing

/// Month and weekday names and the `@daily`-style macros in digest schedules, read as Vixie cron reads them.
@Suite("Cron names and macros")
struct CronNamesTests {
    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("names and macros give the same slots as the numbers they stand for", arguments: [
        ("0 8 * * MON-FRI", "0 8 * * 1-5"),
        ("0 8 * * mon-fri", "0 8 * * 1-5"),
        ("0 8 * * Sun,Wed", "0 8 * * 0,3"),
        ("0 9 1 JAN-MAR *", "0 9 1 1-3 *"),
        ("0 9 1 jan,Jul *", "0 9 1 1,7 *"),
        ("0 9 * JAN-DEC/3 SAT", "0 9 * 1-12/3 6"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("@WEEKLY", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
    ])
    func same(spelled: String, numeric: String) throws {
        let named = try #require(CronSchedule(spelled))
        let numbered = try #require(CronSchedule(numeric))
        #expect(named == numbered)
        var after = date("2026-11-27T07:30:00Z")
        for _ in 0..<5 {
            let slot = try #require(named.nextSlot(after: after, in: .gmt))
            #expect(slot == numbered.nextSlot(after: after, in: .gmt))
            after = slot
        }
    }

    @Test("weekdays by name: Friday morning, then Monday")
    func weekdays() throws {
        let schedule = try #require(CronSchedule("0 8 * * MON-FRI"))
        let friday = try #require(schedule.nextSlot(after: date("2026-11-27T07:00:00Z"), in: .gmt))
        #expect(friday == date("2026-11-27T08:00:00Z"))
        #expect(schedule.nextSlot(after: friday, in: .gmt) == date("2026-11-30T08:00:00Z"))
        #expect(CronSchedule("@daily")?.nextSlot(after: friday, in: .gmt) == date("2026-11-28T00:00:00Z"))
    }

    @Test("a misspelt name or macro says which field and what is accepted", arguments: [
        ("0 8 * * MON-FRY", #"day of week "MON-FRY" is outside 0-7 (or SUN-SAT) or malformed"#),
        ("0 8 * JANUARY *", #"month "JANUARY" is outside 1-12 (or JAN-DEC) or malformed"#),
        ("0 8 MON * *", #"day of month "MON" is outside 1-31 or malformed"#),
        ("@reboot", #""@reboot" is not a cron macro (one of: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"#),
        ("@dayly", #""@dayly" is not a cron macro (one of: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"#),
    ])
    func refused(expression: String, problem: String) {
        #expect(CronSchedule(expression) == nil)
        #expect(CronSchedule.problem(in: expression) == problem)
    }

    @Test("a subscriber file's digest takes names, and a wrong one is named with file, line and field")
    func subscriberFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("subscribers/named.yaml", """
            id: named
            name: Named
            email: named@example.org
            delivery: digest
            digest: "30 7 * * mon-fri"

            """)
        try directory.write("subscribers/daily.yaml", """
            id: daily
            name: Daily
            email: daily@example.org
            delivery: digest
            digest: "@daily"

            """)
        try directory.write("subscribers/wrong.yaml", """
            id: wrong
            name: Wrong
            email: wrong@example.org
            delivery: digest
            digest: "0 8 * * MON-FRY"

            """)
        let load = SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: [:])
        #expect(Set(load.subscribers.map(\.id)) == ["named", "daily"])
        #expect(load.problems.map(\.description) == [
            #"subscribers/wrong.yaml:5: digest: "0 8 * * MON-FRY" is not a cron expression: day of week "MON-FRY" is outside 0-7 (or SUN-SAT) or malformed"#,
        ])
    }
}
