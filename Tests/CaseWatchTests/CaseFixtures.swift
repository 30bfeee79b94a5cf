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

/// Small cases to compare, built in code so each test shows the one field it changes.
enum CaseFixtures {
    static let detectedAt = Date(timeIntervalSince1970: 1_764_151_200)  // 2025-11-26T10:00:00Z

    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    static var helsinki: LegalCase {
        LegalCase(
            id: "moscow-helsinki-group-liquidation",
            subject: Subject(kind: .organisation, name: ["en": "Moscow Helsinki Group", "ru": "Московская Хельсинкская группа"]),
            country: "RU", type: .liquidation, status: .claimFiled,
            claimant: "Ministry of Justice, Main Directorate for Moscow", court: "Moscow City Court",
            history: [HistoryEntry(date: date("2022-12-14"), status: .claimFiled)],
            sources: ["https://example.org/mhg"], tags: ["helsinki-group"])
    }

    /// The same case after the Moscow City Court's ruling.
    static var helsinkiRuled: LegalCase {
        var ruled = helsinki
        ruled.status = .rulingIssued
        ruled.outcome = .granted
        ruled.history.append(HistoryEntry(date: date("2023-01-25"), status: .rulingIssued, outcome: .granted))
        return ruled
    }
}
