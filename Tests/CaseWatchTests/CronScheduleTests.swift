import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import Foundation
import Testing

@Suite("Digest cron expressions")
struct CronScheduleTests {
    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("weekday mornings in the subscriber's time zone", arguments: [
        ("2026-11-27T07:59:00Z", "2026-11-27T08:00:00Z"),  // Friday, London is UTC in winter
        ("2026-11-27T08:00:00Z", "2026-11-30T08:00:00Z"),  // then Monday
        ("2026-07-01T06:30:00Z", "2026-07-01T07:00:00Z"),  // summer time: 08:00 BST
    ])
    func weekdays(after: String, expected: String) throws {
        let schedule = try #require(CronSchedule("0 8 * * 1-5"))
        #expect(schedule.nextSlot(after: date(after), in: TimeZone(identifier: "Europe/London")!) == date(expected))
    }

    @Test("steps, lists and Sunday as 0 or 7")
    func syntax() throws {
        let quarter = try #require(CronSchedule("*/15 * * * *"))
        #expect(quarter.nextSlot(after: date("2026-01-01T10:07:00Z"), in: .gmt) == date("2026-01-01T10:15:00Z"))
        let sunday = try #require(CronSchedule("30 9 * * 7"))
        #expect(sunday.nextSlot(after: date("2026-11-27T00:00:00Z"), in: .gmt) == date("2026-11-29T09:30:00Z"))
    }

    @Test("malformed expressions say why", arguments: ["0 8 * *", "61 8 * * *", "0 8 * * mom", "0 8-3 * * *", "*/0 * * * *"])
    func malformed(expression: String) {
        #expect(CronSchedule(expression) == nil)
        #expect(CronSchedule.problem(in: expression) != nil)
    }
}
