import CaseWatchTesting
import Foundation
import Testing

@testable import CaseWatchSources

/// Workbooks written at test time by openpyxl (`Tests/Peers/make_xlsx.py`, Debian's python3-openpyxl), read back.
@Suite("XLSX workbooks")
struct XLSXWorkbookTests {
    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `make_xlsx.py` on `description` (at most 60 s) and returns the workbook's bytes.
    static func workbook(_ description: [String: Any]) throws -> Data {
        let folder = try TemporaryDirectory("casewatch-xlsx")
        let json = folder.url.appendingPathComponent("description.json")
        let output = folder.url.appendingPathComponent("workbook.xlsx")
        let log = folder.url.appendingPathComponent("stderr")
        try JSONSerialization.data(withJSONObject: description).write(to: json)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [RepositoryFiles.url("Tests/Peers/make_xlsx.py").path, output.path]
        process.standardInput = try FileHandle(forReadingFrom: json)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw FixtureError(description: "make_xlsx.py failed (\(process.terminationStatus)): \(stderr)")
        }
        return try Data(contentsOf: output)
    }

    static func sheet(_ name: String, _ cells: [[String: Any]], formats: [String: String] = [:],
                      merge: [String] = []) -> [String: Any] {
        ["name": name, "cells": cells, "formats": formats, "merge": merge]
    }

    /// A one-sheet workbook whose sheet part is replaced by `sheetXML`.
    static func workbook(sheetXML: String, strings: [String] = []) throws -> XLSXWorkbook {
        let cells = strings.enumerated().map { ["ref": "A\($0.offset + 1)", "value": $0.element] as [String: Any] }
        return try XLSXWorkbook(data: workbook([
            "sheets": [sheet("Data", cells)], "parts": ["xl/worksheets/sheet1.xml": sheetXML],
        ]))
    }

    static let title = "Перечень иностранных и международных неправительственных организаций, деятельность которых "
        + "признана нежелательной на территории Российской Федерации"
    static let headers = ["№ п/п", "Полное наименование", "Сокращённое наименование", "Страна регистрации",
                          "Дата решения", "Орган, принявший решение", "Реквизиты решения",
                          "Дата внесения в перечень", "Дата и время изменения", "Примечание"]
    /// "Freedom" with a Cyrillic «е» (U+0435) as its third letter, as typed in some official lists.
    static let mixedScriptName = "Fr\u{0435}edom House"

    @Test("the Ministry of Justice's undesirable-organisations layout reads cell by cell")
    func undesirableList() throws {
        let columns = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
        var cells: [[String: Any]] = [
            ["ref": "A1", "value": Self.title],
            ["ref": "A2", "value": "По состоянию на 28.11.2026 10:15"],
        ]
        cells += zip(columns, Self.headers).map { ["ref": "\($0)3", "value": $1] as [String: Any] }
        cells += [
            ["ref": "A4", "value": 1],
            ["ref": "B4", "value": "Национальный фонд демократии (The National Endowment for Democracy)"],
            ["ref": "C4", "value": "NED"],
            ["ref": "D4", "value": "США"],
            ["ref": "E4", "date": "2015-07-28"],
            ["ref": "F4", "value": "Генеральная прокуратура Российской Федерации"],
            ["ref": "G4", "value": "Решение от 28.07.2015"],
            ["ref": "H4", "value": "28.07.2015"],
            ["ref": "I4", "datetime": "2026-11-28T10:15:00"],
            ["ref": "A5", "value": "1076"],
            ["ref": "B5", "value": Self.mixedScriptName],
            ["ref": "D5", "value": "США"],
            ["ref": "E5", "date": "2026-11-27"],
            ["ref": "H5", "value": "28.11.2026"],
            ["ref": "J5", "value": "Сведения уточнены"],
            ["ref": "A6", "value": 1076],
            ["ref": "B6", "value": "Фонд «Открытая Россия»"],
            ["ref": "J6", "value": 3.5],
        ]
        let data = try Self.workbook([
            "sheets": [Self.sheet("Лист 1", cells, formats: ["E5": "mm-dd-yy"], merge: ["A1:J1"])],
        ])
        let workbook = try XLSXWorkbook(data: data)
        #expect(workbook.sheetNames == ["Лист 1"])
        let rows = try workbook.rows(sheet: "Лист 1")
        #expect(rows == [
            XLSXRow(number: 1, cells: [Self.title]),
            XLSXRow(number: 2, cells: ["По состоянию на 28.11.2026 10:15"]),
            XLSXRow(number: 3, cells: Self.headers),
            XLSXRow(number: 4, cells: ["1", "Национальный фонд демократии (The National Endowment for Democracy)", "NED",
                                       "США", "2015-07-28", "Генеральная прокуратура Российской Федерации",
                                       "Решение от 28.07.2015", "28.07.2015", "2026-11-28T10:15:00"]),
            XLSXRow(number: 5, cells: ["1076", Self.mixedScriptName, nil, "США", "2026-11-27", nil, nil, "28.11.2026",
                                       nil, "Сведения уточнены"]),
            XLSXRow(number: 6, cells: ["1076", "Фонд «Открытая Россия»", nil, nil, nil, nil, nil, nil, nil, "3.5"]),
        ])
        let name = try #require(rows.first { $0.number == 5 }?.cells[1])
        #expect(name.unicodeScalars.map(\.value) == Self.mixedScriptName.unicodeScalars.map(\.value))
        #expect(name.unicodeScalars.contains("\u{0435}"))
    }

    @Test("a sheet is chosen by name, and the names come in the workbook's order")
    func sheetByName() throws {
        let workbook = try XLSXWorkbook(data: Self.workbook(["sheets": [
            Self.sheet("Сводка", [["ref": "A1", "value": "первый лист"]]),
            Self.sheet("Лист 1", [["ref": "A1", "value": "второй лист"], ["ref": "B2", "value": 2]]),
        ]]))
        #expect(workbook.sheetNames == ["Сводка", "Лист 1"])
        #expect(try workbook.rows(sheet: "Лист 1") == [
            XLSXRow(number: 1, cells: ["второй лист"]), XLSXRow(number: 2, cells: [nil, "2"]),
        ])
        #expect(try workbook.rows(sheet: "Сводка") == [XLSXRow(number: 1, cells: ["первый лист"])])
    }

    @Test("rich-text shared strings join their runs, keep preserved spaces and leave out phonetic runs")
    func richText() throws {
        let workbook = try XLSXWorkbook(data: Self.workbook(["sheets": [Self.sheet("Лист 1", [
            ["ref": "A1", "rich": [["b", "Московская"], [NSNull(), " Хельсинкская "], ["b", "группа"]] as [[Any]]],
            ["ref": "B1", "value": "  с отступом "],
            ["ref": "A2", "rich": [[NSNull(), "Мемориал"]] as [[Any]]],
        ])]]))
        #expect(try workbook.rows(sheet: "Лист 1") == [
            XLSXRow(number: 1, cells: ["Московская Хельсинкская группа", "  с отступом "]),
            XLSXRow(number: 2, cells: ["Мемориал"]),
        ])
    }

    @Test("inline strings, as openpyxl writes them, read like shared ones")
    func inlineStrings() throws {
        let workbook = try XLSXWorkbook(data: Self.workbook(["strings": "inline", "sheets": [Self.sheet("Лист 1", [
            ["ref": "A1", "value": " Лига избирателей"], ["ref": "B1", "value": true], ["ref": "C1", "value": false],
        ])]]))
        #expect(try workbook.rows(sheet: "Лист 1") == [XLSXRow(number: 1, cells: [" Лига избирателей", "TRUE", "FALSE"])])
    }

    @Test("a cell is placed by its column letters: A1 and C1 give [a, nil, c]")
    func cellReferenceGap() throws {
        let workbook = try XLSXWorkbook(data: Self.workbook(["sheets": [Self.sheet("Лист 1", [
            ["ref": "A1", "value": "a"], ["ref": "C1", "value": "c"], ["ref": "AB2", "value": "ab"],
        ])]]))
        let rows = try workbook.rows(sheet: "Лист 1")
        #expect(rows.first == XLSXRow(number: 1, cells: ["a", nil, "c"]))
        #expect(rows.last?.cells.count == 28)
        #expect(rows.last?.cells.last == "ab")
    }

    @Test("prefixed elements, cells without references, formula strings, errors and the 1904 date system")
    func handWrittenSheet() throws {
        let sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
            <x:row r="2"><x:c r="B2" t="str"><x:f>CONCAT("a";"b")</x:f><x:v>ab</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c>\
            <x:c t="s"><x:v>0</x:v></x:c><x:c s="0"/><x:c t="b"><x:v>0</x:v></x:c></x:row>
            <x:row><x:c r="A3" t="inlineStr"><x:is><x:r><x:t>Голос</x:t></x:r><x:r><x:t xml:space="preserve"> &amp; Co</x:t></x:r></x:is></x:c></x:row>
            <x:row r="9"><x:c r="A9"><x:f>1+1</x:f></x:c></x:row>
            </x:sheetData></x:worksheet>
            """
        let workbook = try Self.workbook(sheetXML: sheet, strings: ["общая строка"])
        #expect(try workbook.rows(sheet: "Data") == [
            XLSXRow(number: 2, cells: [nil, "ab", "#N/A", "общая строка", nil, "FALSE"]),
            XLSXRow(number: 3, cells: ["Голос & Co"]),
        ])

        let mac = try XLSXWorkbook(data: Self.workbook(["date1904": true, "sheets": [Self.sheet("Лист 1", [
            ["ref": "A1", "date": "2026-11-28"], ["ref": "B1", "datetime": "1904-01-01T06:00:00"],
        ])]]))
        #expect(try mac.rows(sheet: "Лист 1") == [XLSXRow(number: 1, cells: ["2026-11-28", "1904-01-01T06:00:00"])])
    }

    @Test("a sheet that is not there: the error names it and lists the workbook's sheets")
    func missingSheet() throws {
        let workbook = try XLSXWorkbook(data: Self.workbook(["sheets": [
            Self.sheet("Лист 1", [["ref": "A1", "value": 1]]), Self.sheet("Архив", [["ref": "A1", "value": 2]]),
        ]]))
        let error = #expect(throws: XLSXError.self) { try workbook.rows(sheet: "Лист 2") }
        #expect(error == .noSuchSheet("Лист 2", available: ["Лист 1", "Архив"]))
        #expect(error?.description == "the workbook has no sheet «Лист 2»; its sheets: «Лист 1», «Архив»")
    }

    @Test("a file cut short is not a complete XLSX archive")
    func truncated() throws {
        let data = try Self.workbook(["sheets": [Self.sheet("Лист 1", [["ref": "A1", "value": "текст"]])]])
        for cut in [data.prefix(data.count / 2), data.dropLast(10), data.prefix(4)] {
            let error = #expect(throws: XLSXError.self) { try XLSXWorkbook(data: Data(cut)) }
            #expect(error == .notAnArchive)
            #expect(error?.description == "the file is not a complete XLSX (ZIP) archive")
        }
    }

    @Test("random bytes, an empty file and a ZIP signature followed by noise fail cleanly")
    func randomBytes() {
        var generator = SplitMix64(seed: 20_261_128)
        let noise = Data((0..<4096).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        for data in [noise, Data(), Data([0x50, 0x4B, 0x03, 0x04]) + noise, Data("<html>not a workbook</html>".utf8)] {
            #expect(throws: XLSXError.notAnArchive) { try XLSXWorkbook(data: data) }
        }
    }

    @Test("a part whose bytes are spoilt, its checksum or its deflate stream, fails by name", arguments: ["checksum", "deflate"])
    func damagedPart(how: String) throws {
        let workbook = try XLSXWorkbook(data: Self.workbook([
            "sheets": [Self.sheet("Лист 1", [["ref": "A1", "value": "текст"]])],
            "damage": ["part": "xl/worksheets/sheet1.xml", "how": how],
        ]))
        let error = #expect(throws: XLSXError.self) { try workbook.rows(sheet: "Лист 1") }
        #expect(error == .damagedPart("xl/worksheets/sheet1.xml"))
        #expect(error?.description
            == "the file is not a complete XLSX (ZIP) archive: its part xl/worksheets/sheet1.xml cannot be unpacked")
    }

    @Test("a part larger than the limit is refused by name")
    func partTooLarge() throws {
        let cells = (1...400).map { ["ref": "A\($0)", "value": "строка номер \($0) списка"] as [String: Any] }
        let data = try Self.workbook(["strings": "inline", "sheets": [Self.sheet("Лист 1", cells)]])
        let workbook = try XLSXWorkbook(data: data, partSizeLimit: 16 * 1024)
        let error = #expect(throws: XLSXError.self) { try workbook.rows(sheet: "Лист 1") }
        #expect(error == .partTooLarge("xl/worksheets/sheet1.xml", limit: 16 * 1024))
        #expect(try XLSXWorkbook(data: data).rows(sheet: "Лист 1").count == 400)
        #expect(XLSXWorkbook.maximumPartSize == 200 * 1024 * 1024)
    }

    @Test("malformed XML names the part and the line")
    func malformedXML() throws {
        let workbook = try Self.workbook(sheetXML: """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1"><v>1</v></c>
            </sheetData></worksheet>
            """)
        let error = #expect(throws: XLSXError.self) { try workbook.rows(sheet: "Data") }
        guard case .malformedXML(let part, let line, _)? = error else {
            Issue.record("expected malformed XML, got \(String(describing: error))")
            return
        }
        #expect(part == "xl/worksheets/sheet1.xml")
        #expect(line == 3)
        #expect(error?.description.hasPrefix("the XLSX part xl/worksheets/sheet1.xml is malformed at line 3") == true)

        let bomb = try Self.workbook(sheetXML: """
            <?xml version="1.0"?>
            <!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <worksheet><sheetData><row r="1"><c r="A1" t="str"><v>&b;</v></c></row></sheetData></worksheet>
            """)
        #expect(throws: XLSXError.malformedXML(part: "xl/worksheets/sheet1.xml", line: 1,
                                               detail: "it declares a DTD, which no XLSX part has")) {
            try bomb.rows(sheet: "Data")
        }

        let badShared = try Self.workbook(sheetXML: """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>
            """, strings: ["одна"])
        #expect(throws: XLSXError.malformedXML(part: "xl/worksheets/sheet1.xml", line: 2,
                                               detail: "shared string «7» does not exist (the workbook has 1)")) {
            try badShared.rows(sheet: "Data")
        }
    }

    @Test("date formats: built-in ids, custom codes, and what only looks like one", arguments: [
        (14, nil, true), (22, nil, true), (45, nil, true), (0, nil, false), (2, nil, false), (49, nil, false),
        (164, "DD.MM.YYYY", true), (165, "yyyy-mm-dd h:mm:ss", true), (166, "[$-419]d mmmm yyyy \"г.\"", true),
        (167, "[h]:mm", true), (168, "General", false), (169, "0.00", false), (170, "#,##0\" руб.\"", false),
        (171, "[Red]0.00;[Blue]-0.00", false), (172, "0.00E+00", false), (173, "@", false), (174, "0\\d", false),
    ] as [(Int, String?, Bool)])
    func dateFormats(id: Int, code: String?, isDate: Bool) {
        #expect(XLSXCellFormats.isDateFormat(id: id, code: code) == isDate)
    }

    @Test("date serials: Excel's 1900-02-29, times of day, the 1904 system")
    func dateSerials() {
        let windows = XLSXCellFormats(styles: XLSXStyles(), date1904: false)
        #expect(windows.isoDate(serial: 1) == "1900-01-01")
        #expect(windows.isoDate(serial: 59) == "1900-02-28")
        #expect(windows.isoDate(serial: 61) == "1900-03-01")
        #expect(windows.isoDate(serial: 46354) == "2026-11-28")
        #expect(windows.isoDate(serial: 46354.427083333336) == "2026-11-28T10:15:00")
        #expect(windows.isoDate(serial: 2_958_465) == "9999-12-31")
        #expect(windows.isoDate(serial: -1) == nil)
        let mac = XLSXCellFormats(styles: XLSXStyles(), date1904: true)
        #expect(mac.isoDate(serial: 0) == "1904-01-01")
        #expect(mac.isoDate(serial: 44892) == "2026-11-28")
        #expect(XLSXCellFormats.columnIndex("A1") == 0)
        #expect(XLSXCellFormats.columnIndex("AB12") == 27)
        #expect(XLSXCellFormats.columnIndex("XFD1048576") == 16383)
        #expect(XLSXCellFormats.columnIndex("12") == nil)
        #expect(XLSXCellFormats.columnIndex("A") == nil)
        #expect(XLSXCellFormats.columnIndex("ABCD1") == nil)
    }
}

/// A seeded generator, so the random bytes are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
