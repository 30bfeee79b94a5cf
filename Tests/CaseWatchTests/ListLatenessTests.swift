import CaseWatchModel
import CaseWatchPipeline
import Foundation
import Testing

/// A step of an official list is late by the list's own as-of date, not by when CaseWatch first read it.
@Suite("Lateness of listed steps")
struct ListLatenessTests {
    static func foreignAgent(_ history: [CaseStep]) -> LegalCase {
        LegalCase(id: "minjust-foreign-agents-1-2026-10-01", subject: Subject(kind: .organisation, name: ["en": "Org"]),
                  country: "RU", type: .foreignAgent, status: history.last?.status ?? .designated, history: history)
    }

    @Test("a delisting dated ten days before the list's as-of date is not late although CaseWatch reads it forty days after; without the as-of date it is")
    func asOf() throws {
        let designated = CaseStep(date: CalendarDate("2026-01-10")!, status: .designated)
        let delisted = CaseStep(date: CalendarDate("2026-10-01")!, status: .delisted)
        let before = Self.foreignAgent([designated]), after = Self.foreignAgent([designated, delisted])
        let read = try #require(ISO8601DateFormatter().date(from: "2026-11-10T12:00:00Z"))
        func late(_ rules: DetectionRules) -> Bool? {
            ChangeDetector.events(previous: before, current: after, detectedAt: read, rules: rules).first?.change.late
        }
        var rules = DetectionRules(lateAfter: 30 * 86_400)
        #expect(late(rules) == true)
        rules.asOf[after.id] = try #require(ISO8601DateFormatter().date(from: "2026-10-11T23:59:00Z"))
        #expect(late(rules) == nil)
    }
}
