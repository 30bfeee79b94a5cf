import CaseWatchTesting
import Foundation
import Testing
@testable import CaseWatchModel
@testable import CaseWatchSources

/// An official list recognised unchanged without parsing it, and the shortcuts of the importers' hot path held to
/// the general code they stand in for.
@Suite("Unchanged lists, and the importers' fast paths")
struct ListUnchangedTests {
    static let claim = "minjust-undesirable:138-р/2023-02-07"

    /// Reads the undesirable list at `file` with what the last read left, returning the load and what this read
    /// leaves for the next.
    static func read(_ file: URL, after stored: FetchValidators?) -> (load: RegistryLoad, stored: FetchValidators?) {
        var load = RegistryLoad()
        RegistryImportTests.source(file).read(
            into: &load, memory: SourceMemory(validators: stored.map { ["undesirable": $0] } ?? [:]))
        return (load, load.feedValidators["undesirable"] ?? stored)
    }

    @Test("a list file untouched since its last read is not read; the same bytes in a new file are not parsed; other bytes with the same rows are parsed and found unchanged; other rows are read anew")
    func unchangedFile() throws {
        let directory = try TemporaryDirectory("casewatch-list-unchanged")
        let file = directory.url.appendingPathComponent("undesirable.xlsx")
        let workbook = try RegistryImportTests.workbook(ListImportTests.sheet())
        try workbook.write(to: file)
        Thread.sleep(forTimeInterval: 0.06)  // older than the racily-clean window, so its signature is kept

        let first = Self.read(file, after: nil)
        #expect(first.load.cases.count == 3)
        #expect(first.load.claimable[Self.claim] != nil)
        let validators = ListValidators(first.stored)
        #expect(validators.rows != nil && validators.bytes != nil && validators.signature != nil, "\(validators)")

        // Untouched: not even read. Parsing would have filled `claimable` with every entry.
        let second = Self.read(file, after: first.stored)
        #expect(second.load.frozenSources.contains("undesirable"))
        #expect(second.load.cases.isEmpty && second.load.claimable.isEmpty)
        #expect(second.load.feedValidators.isEmpty && second.load.feedFailures.isEmpty)
        #expect(second.load.unparsedLists["undesirable"] != nil)

        // The same bytes in a new file: hashed, not parsed; its new signature is remembered.
        try FileManager.default.removeItem(at: file)
        try workbook.write(to: file)
        Thread.sleep(forTimeInterval: 0.06)
        let third = Self.read(file, after: first.stored)
        #expect(third.load.cases.isEmpty && third.load.claimable.isEmpty)
        let remembered = ListValidators(third.load.feedValidators["undesirable"])
        #expect(remembered.signature != nil && remembered.signature != validators.signature)
        #expect(remembered.rows == validators.rows && remembered.bytes == validators.bytes)

        // Rows re-ordered and renumbered: other bytes, parsed, the same list (no case read anew).
        var rows = ListImportTests.undesirableRows.reversed().map { $0 }
        for index in rows.indices { rows[index][0] = String(10 + index) }
        try RegistryImportTests.workbook(ListImportTests.sheet(rows: rows)).write(to: file)
        let fourth = Self.read(file, after: third.stored)
        #expect(fourth.load.claimable.count == 3)
        #expect(fourth.load.cases.isEmpty && fourth.load.frozenSources.contains("undesirable"))
        #expect(ListValidators(fourth.load.feedValidators["undesirable"]).rows == validators.rows)

        // One row fewer: read anew.
        try RegistryImportTests.workbook(ListImportTests.sheet(rows: Array(rows.dropLast()))).write(to: file)
        let fifth = Self.read(file, after: fourth.stored)
        #expect(fifth.load.cases.count == 2)
        #expect(!fifth.load.frozenSources.contains("undesirable"))
    }

    @Test("a list not parsed is read for a claim on it, once, and not for a claim on another list")
    func claimsReadTheList() throws {
        let directory = try TemporaryDirectory("casewatch-list-claims")
        let file = directory.url.appendingPathComponent("undesirable.xlsx")
        try RegistryImportTests.workbook(ListImportTests.sheet()).write(to: file)
        Thread.sleep(forTimeInterval: 0.06)
        let first = Self.read(file, after: nil)
        var load = Self.read(file, after: first.stored).load
        load.readClaimedLists(for: ["minjust-foreign-agents:фонд пример/2021-08-18"])
        #expect(load.claimable.isEmpty && load.unparsedLists["undesirable"] != nil)
        load.readClaimedLists(for: [Self.claim])
        #expect(load.claimable[Self.claim] == first.load.claimable[Self.claim])
        #expect(load.claimable.count == 3 && load.unparsedLists.isEmpty)
    }

    @Test("a list read another way (another importer version, mapping or location) is parsed again, however alike its bytes")
    func anotherReader() throws {
        let directory = try TemporaryDirectory("casewatch-list-reader")
        let file = directory.url.appendingPathComponent("undesirable.xlsx")
        try RegistryImportTests.workbook(ListImportTests.sheet()).write(to: file)
        Thread.sleep(forTimeInterval: 0.06)
        var stored = try #require(Self.read(file, after: nil).stored)
        var validators = ListValidators(stored)
        validators.reader = "0000000000000000"
        stored = validators.stored
        let again = Self.read(file, after: stored)
        #expect(again.load.claimable.count == 3)  // parsed
        #expect(again.load.cases.isEmpty)  // and found to hold the same rows
        #expect(ListValidators(again.load.feedValidators["undesirable"]).reader != "0000000000000000")
    }

    @Test("validators survive the store: all parts, a server's ETag with spaces, a Last-Modified, and the rows-only form of earlier releases")
    func validatorsRoundTrip() {
        let full = ListValidators(reader: "abc", rows: "11", bytes: "22", signature: "1:2:3:4.5:6.7")
        #expect(ListValidators(full.stored) == full)
        let remote = ListValidators(reader: "abc", rows: "11", bytes: "22", etag: "W/\"x y\"",
                                    lastModified: "Mon, 30 Nov 2026 10:00:00 GMT")
        #expect(ListValidators(remote.stored) == remote)
        #expect(ListValidators(FetchValidators(etag: "rows:11", lastModified: nil)) == ListValidators(rows: "11"))
        #expect(ListValidators(nil) == ListValidators())
    }

    static let names = [
        "", " ", "Фонд «Пример»", "«Организация № 17» (Organisation No. 17) (США)", "  two  spaces ", "a\u{00A0}b",
        "Transparеncy International", "ООО «Ромашка»\u{200B}", "Caf\u{0065}\u{0301}", "Й", "И\u{0306}", "tab\there",
        "line\nbreak", "\u{E000}private", "Мemorial", "Open Society Foundations — ранее «OSI»", "№ 301-р", "x\u{0483}y",
        "ends with space ", " starts with space", "Ünïcödé", "日本語", "—", "A–B", "\u{FEFF}bom", "NBSP\u{202F}end",
    ]

    @Test("the shortcut for text already normal never differs from the general normalisation", arguments: names)
    func plainNormalized(name: String) {
        #expect(OfficialName.normalized(name) == OfficialName.generallyNormalized(name))
        if ListText.isPlainNormalized(name) { #expect(OfficialName.generallyNormalized(name) == name) }
    }

    @Test("trimming by scalar is Foundation's trimmingCharacters", arguments: names + ["\u{2028}x\u{3000}", ",;x;, "])
    func trimming(text: String) {
        #expect(ListText.trimmed(text, where: ListText.isWhitespace) == text.trimmingCharacters(in: .whitespaces))
        #expect(ListText.trimmed(text, where: ListText.isWhitespaceOrNewline)
            == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(ListText.trimmed(text) { $0 == " " || $0 == "," || $0 == ";" }
            == text.trimmingCharacters(in: CharacterSet(charactersIn: " ,;")))
    }

    /// ``ListCells/withoutPersonalIdentifiers(_:)`` as it was before its patterns were given clues: every pattern
    /// run on every name with a digit.
    static func reference(_ text: String) -> String {
        var text = text
        if text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
            for pattern in ListCells.identifierPatterns { text = text.replacing(pattern, with: " ") }
        }
        if text.contains("(") { text = text.replacing(ListCells.emptyBrackets, with: " ") }
        if text.contains(",") || text.contains(";") { text = text.replacing(ListCells.repeatedSeparators, with: ",") }
        return OfficialName.generallyNormalized(text).replacingOccurrences(of: " ,", with: ",")
            .trimmingCharacters(in: CharacterSet(charactersIn: " ,;"))
    }

    static let identified = [
        ("Иванов И. И., ИНН 771234567890", 0), ("Петров, инн: 7712 3456 78", 0), ("СНИЛС 123-456-789 01", 0),
        ("Сидоров, дата рождения 01.02.1970", 1), ("Сидоров, д.р. 1.2.1970 г.", 1), ("Кузнецов 01.02.1970 г.р.", 2),
        ("Кузнецов 1.12.1970 года рождения", 2), ("Орлов 123-456-789 01", 3), ("Орлов 123-456-789-01", 3),
        ("Белов 771234567890", 4), ("Белов ٧٧١٢٣٤٥٦٧٨٩٠ 1", 4),
        ("Иванов Иван (ИНН 771234567890, 01.02.1970 г.р.), Москва", 0),
    ]

    @Test("each identifier pattern's clues are found in every name it matches", arguments: identified)
    func identifierClues(text: String, pattern: Int) {
        #expect(IdentifierClues(text).possible[pattern], "\(text)")
    }

    @Test("identifiers are removed exactly as when every pattern ran on every name",
          arguments: identified.map(\.0) + names + ["A ( , ) B", "A (;) , ; B", "x, , y", "«Организация № 1999» (Organisation No. 1999) (США)"])
    func sameRemoval(text: String) {
        #expect(ListCells.withoutPersonalIdentifiers(text) == Self.reference(text))
    }

    @Test("names without identifiers run no pattern, and what a removal leaves behind is still tidied")
    func noClues() {
        for name in ["«Организация № 1999» (Organisation No. 1999) (США)", "Фонд «Пример»", "Article 19"] {
            #expect(IdentifierClues(name).possible == [false, false, false, false, false], "\(name)")
        }
        #expect(IdentifierClues.mayHaveEmptyBrackets("A ( , ) B") && IdentifierClues.mayHaveEmptyBrackets("A (;)"))
        #expect(!IdentifierClues.mayHaveEmptyBrackets("A (США) B"))
        #expect(IdentifierClues.mayHaveRepeatedSeparators("A , ; B") && !IdentifierClues.mayHaveRepeatedSeparators("A, B; C"))
        #expect(ListCells.withoutPersonalIdentifiers("Иванов Иван (ИНН 771234567890, 01.02.1970 г.р.), Москва")
            == "Иванов Иван, Москва")
    }
}
