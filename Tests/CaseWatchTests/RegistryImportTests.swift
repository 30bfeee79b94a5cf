import CaseWatchModel
import CaseWatchSources
import CaseWatchTesting
import Foundation
import Testing

/// The Ministry's XLSX of undesirable organisations, written by openpyxl, read as a registry source.
@Suite("Importing the undesirable list")
struct RegistryImportTests {
    /// The list's sheet as openpyxl cells: every text cell of `ListImportTests.sheet()` at its place.
    static func workbook(_ rows: [[String?]]) throws -> Data {
        var cells: [[String: Any]] = []
        for (index, row) in rows.enumerated() {
            for (column, value) in row.enumerated() {
                guard let value else { continue }
                let letter = String(UnicodeScalar(UInt8(65 + column)))
                cells.append(["ref": "\(letter)\(index + 1)", "value": value])
            }
        }
        return try XLSXWorkbookTests.workbook(["sheets": [["name": "Лист 1", "cells": cells]]])
    }

    static func source(_ file: URL) -> RegistryImport {
        RegistryImport(name: "undesirable", list: .init(list: .minjustUndesirable, location: .path("undesirable.xlsx"),
                                                        format: .xlsx), file: file)
    }

    @Test("each entry becomes a case with its steps; the list's as-of date is kept; the same rows give the same ids and digest; a changed header fails the source")
    func undesirable() throws {
        let directory = try TemporaryDirectory("casewatch-import-xlsx")
        let file = directory.url.appendingPathComponent("undesirable.xlsx")
        try Self.workbook(ListImportTests.sheet()).write(to: file)
        var load = RegistryLoad()
        Self.source(file).read(into: &load, memory: SourceMemory())
        #expect(load.feedFailures.isEmpty, "\(load.feedFailures)")
        #expect(load.cases.count == 3)
        #expect(load.lists["undesirable"] == CalendarDate("2026-06-01"))
        #expect(load.listSizes["undesirable"] == 3)
        let medusa = try #require(load.cases.values.first { $0.subject.name["en"]?.contains("Medusa") == true })
        #expect(medusa.type == .undesirable)
        #expect(medusa.history.map(\.status) == [.decision, .listed])
        #expect(medusa.history.last?.document == "138-р")
        #expect(load.cases.values.contains { $0.status == .delisted })
        #expect(Set(load.sourceOfCase.values) == ["undesirable"])

        // The rows re-ordered and renumbered: the same cases, and the list is recognised as unchanged.
        let validators = try #require(load.feedValidators["undesirable"])
        var rows = ListImportTests.undesirableRows.reversed().map { $0 }
        for index in rows.indices { rows[index][0] = String(10 + index) }
        try Self.workbook(ListImportTests.sheet(rows: rows)).write(to: file)
        var again = RegistryLoad()
        Self.source(file).read(into: &again, memory: SourceMemory(validators: ["undesirable": validators]))
        #expect(again.frozenSources.contains("undesirable"))
        #expect(again.cases.isEmpty)
        var fresh = RegistryLoad()
        Self.source(file).read(into: &fresh, memory: SourceMemory())
        #expect(Set(fresh.cases.keys) == Set(load.cases.keys))

        // A header changed: the source fails, no case is read.
        var headers = ListImportTests.undesirableHeaders
        headers[4] = "Организация"
        try Self.workbook(ListImportTests.sheet(headers: headers)).write(to: file)
        var failed = RegistryLoad()
        Self.source(file).read(into: &failed, memory: SourceMemory())
        #expect(failed.cases.isEmpty)
        #expect(failed.feedFailures["undesirable"] != nil)
        #expect(failed.frozenSources.contains("undesirable"))

        // A truncated file fails the same way.
        let whole = try Self.workbook(ListImportTests.sheet())
        try whole.prefix(whole.count / 2).write(to: file)
        var truncated = RegistryLoad()
        Self.source(file).read(into: &truncated, memory: SourceMemory())
        #expect(truncated.cases.isEmpty)
        #expect(truncated.feedFailures["undesirable"]?.contains("XLSX") == true, "\(truncated.feedFailures)")
    }
}
