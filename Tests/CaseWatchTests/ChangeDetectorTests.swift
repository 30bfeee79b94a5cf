import CaseWatchModel
import CaseWatchPipeline
import Foundation
import Testing

@Suite("Change detection")
struct ChangeDetectorTests {
    let at = CaseFixtures.detectedAt

    func events(_ previous: LegalCase?, _ current: LegalCase?, announce: Bool = true,
                log: CaseAnnouncements = CaseAnnouncements()) -> [CaseEvent] {
        ChangeDetector.events(previous: previous, current: current, detectedAt: at, announceAdditions: announce,
                              log: log)
    }

    func types(_ previous: LegalCase?, _ current: LegalCase?, announce: Bool = true) -> [EventType] {
        events(previous, current, announce: announce).map(\.type)
    }

    /// `legalCase` with `step` added to its history, its status derived as a case file's would be.
    static func adding(_ step: CaseStep, to legalCase: LegalCase) -> LegalCase {
        var next = legalCase
        next.history.append(step)
        (next.status, next.outcome) = LegalCase.derivedStatus(of: next.history)!
        return next
    }

    @Test("a new main step is a status change that carries that step and its facts alone",
          arguments: CaseType.liquidation.statuses.filter { !$0.isSideStep && $0 != .claimFiled }.sorted { $0.rawValue < $1.rawValue })
    func statusTransition(to status: CaseStatus) throws {
        let before = CaseFixtures.helsinki
        let step = CaseStep(date: CaseFixtures.date("2023-02-01"), status: status, court: "ru-first-appellate-court")
        let events = events(before, Self.adding(step, to: before))
        let event = try #require(events.first)
        #expect(events.map(\.type) == [.statusChanged])
        #expect(event.change.from == .claimFiled)
        #expect(event.change.to == status)
        #expect(event.change.step == step)
        #expect(event.change.outcome == nil)  // a step without an outcome never shows one
        #expect(event.occurredOn == CaseFixtures.date("2023-02-01"))
    }

    @Test("an appeal lodged after a granted ruling carries no outcome: the ruling's is not its own")
    func noBorrowedOutcome() throws {
        let appealed = Self.adding(CaseStep(date: CaseFixtures.date("2023-03-01"), status: .appealFiled),
                                   to: CaseFixtures.helsinkiRuled)
        let event = try #require(events(CaseFixtures.helsinkiRuled, appealed).first)
        #expect(event.type == .statusChanged)
        #expect(event.change.step?.outcome == nil && event.change.outcome == nil)
        #expect(appealed.outcome == nil)
    }

    @Test("an appeal decision that makes the ruling final is one event, to the status it brought about")
    func effectsFold() throws {
        let step = CaseStep(date: CaseFixtures.date("2023-04-27"), status: .appealDecided, outcome: .upheld,
                            court: "ru-first-appellate-court", effects: [.inForce])
        let events = events(CaseFixtures.helsinkiRuled, Self.adding(step, to: CaseFixtures.helsinkiRuled))
        #expect(events.count == 1)
        #expect(events.first?.change.to == .inForce && events.first?.change.from == .rulingIssued)
        #expect(events.first?.change.step?.effects == [.inForce])
    }

    @Test("side steps are steps added and leave the status; main steps after them move it")
    func sideSteps() {
        let fined = Self.adding(CaseStep(date: CaseFixtures.date("2023-01-10"), status: .fined, amount: 300_000),
                                to: CaseFixtures.helsinki)
        #expect(fined.status == .claimFiled)
        #expect(types(CaseFixtures.helsinki, fined) == [.stepAdded])
        let both = Self.adding(CaseStep(date: CaseFixtures.date("2023-01-25"), status: .rulingIssued, outcome: .granted),
                               to: fined)
        #expect(types(CaseFixtures.helsinki, both) == [.stepAdded, .statusChanged])
    }

    @Test("a step learnt late, dated before steps already seen, is a step added and does not move the status")
    func stepInsertedBefore() {
        var late = CaseFixtures.helsinkiRuled
        late.history.insert(CaseStep(date: CaseFixtures.date("2023-01-10"), status: .claimAccepted), at: 1)
        let found = events(CaseFixtures.helsinkiRuled, late)
        #expect(found.map(\.type) == [.stepAdded])
        #expect(found.first?.change.late == true)  // 2023, first seen in 2025
    }

    @Test("a step is late when it is first seen more than late_after after its date")
    func lateness() {
        let rules = DetectionRules(lateAfter: 30 * 86_400)
        #expect(rules.isLate(CaseStep(date: CaseFixtures.date("2025-10-01"), status: .reported), detectedAt: at))
        #expect(!rules.isLate(CaseStep(date: CaseFixtures.date("2025-11-20"), status: .reported), detectedAt: at))
        #expect(!rules.isLate(CaseStep(date: CaseFixtures.date("2025-11"), status: .reported), detectedAt: at))
        #expect(rules.isLate(CaseStep(date: CaseFixtures.date("2024"), status: .reported), detectedAt: at))
    }

    @Test("a corrected fact of an announced step is a correction linked to the announcement; an unannounced one is silent")
    func corrections() throws {
        var fixed = CaseFixtures.helsinkiRuled
        fixed.history[1].date = CaseFixtures.date("2023-01-26")
        let announced = CaseAnnouncements(lastEventID: "evt_ruling",
                                          steps: [CaseFixtures.helsinkiRuled.history[1].key: "evt_ruling"])
        let correction = try #require(events(CaseFixtures.helsinkiRuled, fixed, log: announced).first)
        #expect(correction.type == .corrected)
        #expect(correction.change.corrects == "evt_ruling")
        #expect(correction.change.announcedStep?.date == CaseFixtures.date("2023-01-25"))
        #expect(correction.change.step?.date == CaseFixtures.date("2023-01-26"))
        #expect(events(CaseFixtures.helsinkiRuled, fixed).isEmpty)  // never announced (a silent first sync)

        var withdrawn = CaseFixtures.helsinkiRuled
        withdrawn.history.removeLast()
        (withdrawn.status, withdrawn.outcome) = LegalCase.derivedStatus(of: withdrawn.history)!
        let removal = try #require(events(CaseFixtures.helsinkiRuled, withdrawn, log: announced).first)
        #expect(removal.type == .corrected && removal.change.step == nil && removal.change.corrects == "evt_ruling")
    }

    @Test("a fact going from absent to present, or a note translated, is enrichment: recorded, not announced")
    func enrichment() {
        let announced = CaseAnnouncements(steps: [CaseFixtures.helsinkiRuled.history[1].key: "evt_ruling"])
        var enriched = CaseFixtures.helsinkiRuled
        enriched.history[1].court = "ru-moscow-city-court"
        enriched.history[1].note = LocalizedText(["en": "Granted.", "ru": "Удовлетворено."])
        enriched.history[1].deadline = CaseFixtures.date("2023-03-01")
        #expect(events(CaseFixtures.helsinkiRuled, enriched, log: announced).isEmpty)
        var changedCourt = enriched
        changedCourt.history[1].court = "ru-supreme-court"
        #expect(events(enriched, changedCourt, log: announced).map(\.type) == [.corrected])
    }

    @Test("a hearing that appears, moves earlier or changes court is scheduled; moved later or gone unexplained, postponed")
    func hearings() {
        let none = CaseFixtures.helsinki
        var set = none
        set.nextHearing = Hearing(date: CaseFixtures.date("2026-01-25"), time: "10:00", court: "ru-moscow-city-court")
        var later = set
        later.nextHearing?.date = CaseFixtures.date("2026-02-01")
        var earlier = set
        earlier.nextHearing?.date = CaseFixtures.date("2026-01-20")
        var otherCourt = set
        otherCourt.nextHearing?.court = "ru-supreme-court"

        #expect(types(none, set) == [.hearingScheduled])
        #expect(types(set, later) == [.hearingPostponed])
        #expect(events(set, later).first?.change.previousHearing == set.nextHearing)
        #expect(types(set, earlier) == [.hearingScheduled])
        #expect(types(set, otherCourt) == [.hearingScheduled])
        #expect(types(set, none) == [.hearingPostponed])
    }

    @Test("a hearing whose moment has passed is never announced, nor its removal")
    func pastHearing() {
        var past = CaseFixtures.helsinki
        past.nextHearing = Hearing(date: CaseFixtures.date("2023-01-25"), time: "10:00")
        #expect(types(CaseFixtures.helsinki, past) == [])
        #expect(types(past, CaseFixtures.helsinki) == [])
    }

    @Test("a hearing that ends in a ruling is told by the status change alone; a hearing step and the hearing it sets are one event")
    func hearingsAndSteps() {
        var set = CaseFixtures.helsinki
        set.nextHearing = Hearing(date: CaseFixtures.date("2026-01-25"))
        #expect(types(set, CaseFixtures.helsinkiRuled) == [.statusChanged])
        var scheduled = Self.adding(CaseStep(date: CaseFixtures.date("2025-11-20"), status: .hearingScheduled),
                                    to: CaseFixtures.helsinki)
        scheduled.nextHearing = Hearing(date: CaseFixtures.date("2026-01-25"), time: "11:00")
        let found = events(CaseFixtures.helsinki, scheduled)
        #expect(found.map(\.type) == [.hearingScheduled])
        #expect(found.first?.change.step?.status == .hearingScheduled)
    }

    @Test("material fields make case.updated naming each change with its values",
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
        let events = events(CaseFixtures.helsinki, after)
        #expect(events.map(\.type) == [.updated])
        #expect(events.first?.change.fields == [field])
        #expect(events.first?.change.changes?.first?.field == field)
        if field == "court" {
            #expect(events.first?.change.changes == [FieldChange(field: "court", from: "Moscow City Court",
                                                                 to: "Supreme Court of Russia")])
        }
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

    @Test("a new case carries its latest step and that step's date, not the first one's")
    func addedAndRemoved() throws {
        #expect(types(nil, CaseFixtures.helsinki) == [.added])
        #expect(types(nil, CaseFixtures.helsinki, announce: false) == [])
        #expect(types(CaseFixtures.helsinki, nil) == [.removed])
        let added = try #require(events(nil, CaseFixtures.helsinkiRuled).first)
        #expect(added.occurredOn == CaseFixtures.date("2023-01-25"))
        #expect(added.change.step == CaseFixtures.helsinkiRuled.history.last)
    }

    @Test("the same change detected twice has one id; a different change another; the same change later again, a new one")
    func chainedIDs() throws {
        let first = events(CaseFixtures.helsinki, CaseFixtures.helsinkiRuled)
        let again = ChangeDetector.events(previous: CaseFixtures.helsinki, current: CaseFixtures.helsinkiRuled,
                                          detectedAt: at.addingTimeInterval(86400))
        #expect(first.map(\.id) == again.map(\.id))
        let id = try #require(first.first?.id)
        #expect(id.hasPrefix("evt_") && id.count == 30)
        var dismissed = CaseFixtures.helsinkiRuled
        dismissed.history[1].outcome = .dismissed
        #expect(events(CaseFixtures.helsinki, dismissed).first?.id != id)
        // Removed, re-added, removed again: the second removal is announced too.
        let removed = try #require(events(CaseFixtures.helsinki, nil).first)
        let removedAgain = try #require(events(CaseFixtures.helsinki, nil,
                                               log: CaseAnnouncements(lastEventID: "evt_readded")).first)
        #expect(removed.id != removedAgain.id)
    }
}
