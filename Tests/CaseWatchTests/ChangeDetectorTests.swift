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

@Suite("Change detection")
struct ChangeDetectorTests {
    let at = CaseFixtures.detectedAt

    func types(_ previous: LegalCase?, _ current: LegalCase?, announce: Bool = true) -> [EventType] {
        ChangeDetector.events(previous: previous, current: current, detectedAt: at, announceAdditions: announce)
            .map(\.type)
    }

    @Test("every status transition is announced with from, to and the date it happened",
          arguments: CaseStatus.allCases)
    func statusTransition(to status: CaseStatus) throws {
        let before = CaseFixtures.helsinki
        var after = before
        after.status = status
        after.history.append(HistoryEntry(date: CaseFixtures.date("2023-02-01"), status: status))
        let events = ChangeDetector.events(previous: before, current: after, detectedAt: at)
        if status == before.status {
            #expect(events.isEmpty)  // the history grew, but history alone is not material
        } else {
            let event = try #require(events.first)
            #expect(events.map(\.type) == [.statusChanged])
            #expect(event.change.from == .claimFiled)
            #expect(event.change.to == status)
            #expect(event.occurredOn == CaseFixtures.date("2023-02-01"))
        }
    }

    @Test("an outcome change alone is a status change")
    func outcomeChange() throws {
        let before = CaseFixtures.helsinkiRuled
        var after = before
        after.outcome = .dismissed
        let event = try #require(ChangeDetector.events(previous: before, current: after, detectedAt: at).first)
        #expect(event.type == .statusChanged)
        #expect(event.change.from == .rulingIssued && event.change.to == .rulingIssued)
        #expect(event.change.outcome == .dismissed)
    }

    @Test("a hearing that appears, moves or changes court is announced; a removed one is an update")
    func hearings() {
        let none = CaseFixtures.helsinki
        var set = none
        set.nextHearing = Hearing(date: CaseFixtures.date("2023-01-25"), time: "10:00", court: "Moscow City Court")
        var moved = set
        moved.nextHearing?.date = CaseFixtures.date("2023-02-01")
        var retimed = set
        retimed.nextHearing?.time = "14:30"
        var otherCourt = set
        otherCourt.nextHearing?.court = "Supreme Court"

        #expect(types(none, set) == [.hearingScheduled])
        #expect(types(set, moved) == [.hearingScheduled])
        #expect(types(set, retimed) == [.hearingScheduled])
        #expect(types(set, otherCourt) == [.hearingScheduled])
        #expect(types(set, none) == [.updated])
        let removal = ChangeDetector.events(previous: set, current: none, detectedAt: at)
        #expect(removal.first?.change.fields == ["next_hearing"])
    }

    @Test("a hearing that ends in a ruling is told by the status change alone")
    func hearingEndsInRuling() {
        var set = CaseFixtures.helsinki
        set.nextHearing = Hearing(date: CaseFixtures.date("2023-01-25"))
        #expect(types(set, CaseFixtures.helsinkiRuled) == [.statusChanged])
    }

    @Test("material fields make case.updated naming the fields",
          arguments: ["court", "case_number", "claimant", "sources", "subject", "tags", "country", "type"])
    func materialField(field: String) throws {
        var after = CaseFixtures.helsinki
        switch field {
        case "court": after.court = "Supreme Court of Russia"
        case "case_number": after.caseNumber = "3а-1234/2022"
        case "claimant": after.claimant = "Prosecutor General's Office"
        case "sources": after.sources.append("https://example.org/more")
        case "subject": after.subject.name["fr"] = "Groupe Helsinki de Moscou"
        case "tags": after.tags.append("memorial")
        case "country": after.country = "BY"
        default: after.type = .undesirable
        }
        let events = ChangeDetector.events(previous: CaseFixtures.helsinki, current: after, detectedAt: at)
        #expect(events.map(\.type) == [.updated])
        #expect(events.first?.change.fields == [field])
    }

    @Test("a note in the history is not material")
    func historyNote() {
        var after = CaseFixtures.helsinki
        after.history[0].note = "Claim registered by the court"
        #expect(types(CaseFixtures.helsinki, after) == [])
    }

    @Test("an unchanged case gives no event")
    func unchanged() {
        #expect(types(CaseFixtures.helsinkiRuled, CaseFixtures.helsinkiRuled) == [])
    }

    @Test("new and removed cases")
    func addedAndRemoved() {
        #expect(types(nil, CaseFixtures.helsinki) == [.added])
        #expect(types(nil, CaseFixtures.helsinki, announce: false) == [])
        #expect(types(CaseFixtures.helsinki, nil) == [.removed])
    }

    @Test("the same change detected twice has one id; a different change another")
    func contentDerivedIDs() throws {
        let first = ChangeDetector.events(previous: CaseFixtures.helsinki, current: CaseFixtures.helsinkiRuled,
                                          detectedAt: at)
        let again = ChangeDetector.events(previous: CaseFixtures.helsinki, current: CaseFixtures.helsinkiRuled,
                                          detectedAt: at.addingTimeInterval(86400))
        #expect(first.map(\.id) == again.map(\.id))
        let id = try #require(first.first?.id)
        #expect(id.hasPrefix("evt_") && id.count == 30)
        var dismissed = CaseFixtures.helsinkiRuled
        dismissed.outcome = .dismissed
        let other = ChangeDetector.events(previous: CaseFixtures.helsinki, current: dismissed, detectedAt: at)
        #expect(other.first?.id != id)
    }
}
