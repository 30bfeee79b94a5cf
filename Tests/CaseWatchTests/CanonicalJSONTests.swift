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

    /// Stored digests of existing installations were made from exactly these bytes: any change to the
    /// writer that moves one byte would announce every case as changed.
    @Test("gives the bytes and the digest that stored snapshots were made with")
    func pinned() {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.nextHearing = Hearing(date: CaseFixtures.date("2023-04-27"), time: "10:00", court: "First \"Appellate\" Court")
        legalCase.history[0].note = "line\nbreak\ttab \\ slash\u{01}"
        let expected = #"{"id":"moscow-helsinki-group-liquidation","subject":{"kind":"organisation","name":{"en":"Moscow Helsinki Group","ru":"Московская Хельсинкская группа"}},"country":"RU","type":"liquidation","status":"ruling_issued","outcome":"granted","claimant":"Ministry of Justice, Main Directorate for Moscow","court":"Moscow City Court","case_number":null,"next_hearing":{"date":"2023-04-27","time":"10:00","court":"First \"Appellate\" Court"},"history":[{"date":"2022-12-14","status":"claim_filed","outcome":null,"note":"line\nbreak\ttab \\ slash\u0001"},{"date":"2023-01-25","status":"ruling_issued","outcome":"granted","note":null}],"sources":["https://example.org/mhg"],"tags":["helsinki-group"]}"#
        #expect(String(decoding: legalCase.canonicalJSON, as: UTF8.self) == expected)
        let digest = SnapshotDigest(legalCase.canonicalJSON)
        #expect(digest.hex == "d7c98e0c850c81b80b88bea363c114d6")
        #expect(SnapshotDigest(bytes: digest.bytes) == digest && digest.bytes.count == 16)
    }

    @Test("dates are written YYYY-MM-DD, zero-padded, and read back")
    func dates() throws {
        for (year, month, day, text) in [(987, 3, 5, "0987-03-05"), (2024, 2, 29, "2024-02-29"), (9999, 12, 31, "9999-12-31"),
                                         (1, 1, 1, "0001-01-01")] {
            let date = try #require(CalendarDate(year: year, month: month, day: day))
            #expect(date.description == text)
            #expect(CalendarDate(text) == date)
            #expect((date.year, date.month, date.day) == (year, month, day))
        }
        #expect(CalendarDate("2023-02-29") == nil && CalendarDate("2023-1-01") == nil && CalendarDate("２０２３-01-01") == nil)
    }
}
