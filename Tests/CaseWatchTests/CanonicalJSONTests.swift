import CaseWatch
import Foundation
import Testing

@Suite("Canonical case JSON")
struct CanonicalJSONTests {
    @Test("reads back through Codable to the same case")
    func roundTrip() throws {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.nextHearing = Hearing(date: CaseFixtures.date("2023-04-27"), time: "10:00", court: "First \"Appellate\" Court")
        legalCase.history[0].note = "line\nbreak\ttab \\ slash"
        let decoded = try JSONDecoder().decode(LegalCase.self, from: Data(legalCase.canonicalJSON))
        #expect(decoded == legalCase)
    }

    @Test("is the same bytes every time, whatever the order names were given in")
    func stable() {
        var a = CaseFixtures.helsinki
        a.subject.name = ["ru": "Московская Хельсинкская группа", "en": "Moscow Helsinki Group", "fr": "GHM"]
        var b = CaseFixtures.helsinki
        b.subject.name = ["fr": "GHM", "en": "Moscow Helsinki Group", "ru": "Московская Хельсинкская группа"]
        #expect(a.canonicalJSON == b.canonicalJSON)
        #expect(SnapshotDigest(a.canonicalJSON) == SnapshotDigest(b.canonicalJSON))
    }
}
