import Foundation
import Testing

@testable import CaseWatchModel
@testable import CaseWatchSources
@testable import InputFormats

/// The importers of official lists, as pure functions: names, keys and ids, the lists' layouts, what is never kept,
/// and the cases they make, which must load as a case file would.
@Suite("Official lists")
struct ListImportTests {
    // MARK: - Names

    @Test("the Ministry's names split into the Russian name, the Latin name and the country")
    func splitNames() {
        let ti = OfficialName.split(
            "«Transparency International» (Transparency International e.V.) (Федеративная Республика Германия)")
        #expect(ti.ru == "Transparency International")
        #expect(ti.en == "Transparency International e.V.")
        #expect(ti.country == "Федеративная Республика Германия")
        #expect(ti.countryCode == "DE")

        let osf = OfficialName.split(
            "Международная неправительственная организация «Фонд Открытое Общество» (Open Society Foundations) (США)")
        #expect(osf.ru == "Международная неправительственная организация «Фонд Открытое Общество»")
        #expect(osf.en == "Open Society Foundations")
        #expect(osf.country == "США")
        #expect(osf.countryCode == "US")

        let renamed = OfficialName.split("«Фонд Пример» (ранее — «Фонд Старый Пример») (Example Foundation) (Нидерланды)")
        #expect(renamed.ru == "Фонд Пример")
        #expect(renamed.en == "Example Foundation")
        #expect(renamed.country == "Нидерланды")
        let formerName = OfficialName.split("Фонд «Пример» (прежнее наименование — Фонд «Старый»), США")
        #expect(formerName.ru == "Фонд «Пример»")
        #expect(formerName.en == nil)
        #expect(formerName.country == "США")

        let article19 = OfficialName.split("Article 19, Великобритания")
        #expect(article19.ru == "Article 19")
        #expect(article19.en == "Article 19")
        #expect(article19.countryCode == "GB")

        // A Cyrillic name in parentheses is a name, not a country.
        let bellingcat = OfficialName.split("Stichting Bellingcat (Беллингкэт) (Королевство Нидерландов)")
        #expect(bellingcat.ru == "Беллингкэт")
        #expect(bellingcat.en == "Stichting Bellingcat")
        #expect(bellingcat.countryCode == "NL")
    }

    @Test("names lose private-use and zero-width characters, and homoglyphs fold for matching")
    func normaliseNames() {
        #expect(OfficialName.normalized("Trans\u{200B}parency\u{E001}  International\u{00A0}e.V.")
            == "Transparency International e.V.")
        // A Cyrillic «е» inside a Latin word, and a Latin «p» inside a Cyrillic one.
        #expect(OfficialName.normalized("Transparеncy") == "Transparency")
        #expect(OfficialName.normalized("Мемоpиал") == "Мемориал")
        #expect(OfficialName.matchKey("«Transparеncy International»") == OfficialName.matchKey("Transparency International"))
        #expect(OfficialName.matchKey("«Transparеncy International»") == "transparency international")
        #expect(OfficialName.matchKey("Движение «Голос»") == OfficialName.matchKey("движение \"голос\""))
        // Words wholly in one script are left alone, and an order number's «р» stays Cyrillic.
        #expect(OfficialName.normalized("1076-р САТ") == "1076-р САТ")
        #expect(OfficialName.split("«Transparеncy International» (Transparency International e.V.)").ru
            == "Transparency International")
    }

    // MARK: - Undesirable organisations

    static let undesirableHeaders: [String?] = [
        "№ п/п", "Дата распоряжения Минюста России о включении в перечень", "Номер распоряжения",
        "Дата решения Генерального прокурора Российской Федерации (его заместителя) о признании деятельности нежелательной",
        "Наименование организации", "Дата опубликования",
        "Дата и номер распоряжения Минюста России об исключении из перечня",
        "Дата отмены решения о признании деятельности нежелательной", "Статус",
    ]

    static let undesirableRows: [[String?]] = [
        ["1", "07.02.2023", "138-р", "25.01.2023", "SIA «Medusa Project» (Латвийская Республика)", nil, nil, nil,
         "Включена"],
        ["2", "21.03.2023", "330-р", "03.03.2023",
         "«Transparеncy International» (Transparency International e.V.) (Федеративная Республика Германия)", "", nil,
         nil, "Включена"],
        ["3", "13.05.2024", "1076-р", "2024-04-20", "«Фонд Пример» (Example Foundation) (Нидерланды)", nil,
         "12.03.2025 № 301-р", "01.03.2025", "Исключена"],
    ]

    static func sheet(headers: [String?] = undesirableHeaders, rows: [[String?]] = undesirableRows) -> [[String?]] {
        [["Перечень иностранных и международных неправительственных организаций, деятельность которых признана "
            + "нежелательной на территории Российской Федерации"],
         ["По состоянию на 01.06.2026 12:00"], headers] + rows
    }

    @Test("the undesirable list: the as-of date, stable keys and ids, the steps of its type")
    func undesirable() throws {
        let parse = try MinjustUndesirable.entries(rows: Self.sheet())
        #expect(parse.problems.isEmpty, "\(parse.problems)")
        #expect(parse.asOf == CalendarDate("2026-06-01"))
        #expect(parse.asOfTime == "12:00")
        #expect(parse.entries.map(\.key) == ["138-р/2023-02-07", "330-р/2023-03-21", "1076-р/2024-05-13"])
        #expect(parse.entries.map(\.claim).first == "minjust-undesirable:138-р/2023-02-07")
        let cases = parse.entries.map { $0.legalCase(tag: "undesirable", source: "https://example.org/undesirable.xlsx") }
        #expect(cases.map(\.id) == ["minjust-undesirable-138-r-2023-02-07", "minjust-undesirable-330-r-2023-03-21",
                                    "minjust-undesirable-1076-r-2024-05-13"])
        let ti = cases[1]
        #expect(ti.subject.name == ["en": "Transparency International e.V.", "ru": "Transparency International"])
        #expect(ti.type == .undesirable && ti.country == "RU" && ti.status == .listed)
        #expect(ti.history.map(\.status) == [.decision, .listed])
        #expect(ti.history.map(\.date.description) == ["2023-03-03", "2023-03-21"])
        #expect(ti.history[1].document == "330-р")
        #expect(ti.tags == ["import-minjust-undesirable", "undesirable"])
        #expect(ti.sources == ["https://example.org/undesirable.xlsx"])
        #expect(parse.entries[1].countryCode == "DE")
        for legalCase in cases {
            #expect(legalCase.history.allSatisfy { legalCase.type.statuses.contains($0.status) })
        }
    }

    @Test("ids and row digests stay when rows are re-ordered and renumbered")
    func stableIDs() throws {
        let first = try MinjustUndesirable.entries(rows: Self.sheet())
        var shuffled = Self.undesirableRows.reversed().map { $0 }
        for index in shuffled.indices { shuffled[index][0] = String(100 + index) }
        shuffled[0][1] = "45425"  // 13.05.2024 as a spreadsheet serial day
        shuffled.insert([nil, nil, "", nil], at: 1)  // an empty row
        let second = try MinjustUndesirable.entries(rows: Self.sheet(rows: shuffled))
        #expect(second.problems.isEmpty, "\(second.problems)")
        let ids = { (parse: ListParse) in Set(parse.entries.map { "\($0.legalCase().id) \($0.rowDigest)" }) }
        #expect(ids(first) == ids(second))
        #expect(first.entries.map(\.rowDigest).allSatisfy { $0.count == 64 })
    }

    @Test("a changed header stops the import, naming the column")
    func headerChanged() {
        var headers = Self.undesirableHeaders
        headers[3] = "Дата постановления"
        #expect {
            try MinjustUndesirable.entries(rows: Self.sheet(headers: headers))
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.problems.contains { $0.line == 3 && $0.field == "D" && $0.message.contains("Prosecutor General") }
        }
        var noAsOf = Self.sheet()
        noAsOf[1] = ["Перечень"]
        #expect {
            try MinjustUndesirable.entries(rows: noAsOf)
        } throws: { error in
            (error as? InputError)?.problems.first.map { $0.line == 2 && $0.field == "A" } ?? false
        }
    }

    @Test("an excluded entry gets a delisted step with the exclusion order as its document")
    func excluded() throws {
        let entry = try #require(try MinjustUndesirable.entries(rows: Self.sheet()).entries.last)
        #expect(entry.excluded)
        #expect(entry.delisted == CalendarDate("2025-03-12"))
        #expect(entry.delistingDocument == "301-р")
        let legalCase = entry.legalCase()
        #expect(legalCase.history.map(\.status) == [.decision, .listed, .reported, .delisted])
        let delisted = try #require(legalCase.history.last)
        #expect(delisted.document == "301-р")
        #expect(delisted.date == CalendarDate("2025-03-12"))
        #expect(legalCase.status == .delisted)
        #expect(!legalCase.endangersReaders)
    }

    @Test("a bad cell is a problem naming its row and column")
    func badCell() throws {
        var rows = Self.undesirableRows
        rows[0][3] = "25.13.2023"
        let parse = try MinjustUndesirable.entries(rows: Self.sheet(rows: rows))
        #expect(parse.entries.count == 2)
        #expect(parse.problems.map(\.description)
            == ["minjust-undesirable:4: D: «25.13.2023» is not a date (expected DD.MM.YYYY) for the date of the "
                + "Prosecutor General's decision"])
    }

    // MARK: - Foreign agents

    static let identifiers = ["771234567890", "112-233-445 95", "1971-04-23", "23.04.1971", "Примерная", "770987654321",
                              "01.02.1965", "1965"]

    static let registryItems: [[String: String?]] = [
        ["field_1_i": "1001", "field_2_s": "Иванов Иван Иванович",
         "field_3_s": "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ «О контроле за деятельностью лиц, "
             + "находящихся под иностранным влиянием»",
         "field_4_dt": "2024-02-02", "field_5_dt": nil,
         "field_6_s": "https://www.ivanov.example.org/blog, https://t.me/ivanov_channel", "field_7_s": "Физическое лицо",
         "field_8_s": "771234567890", "field_9_s": "112-233-445 95", "field_10_dt": "1971-04-23",
         "field_11_s": "г. Москва, ул. Примерная, д. 7, кв. 13", "inn": "771234567890", "snils": "112-233-445 95",
         "birth_date": "23.04.1971", "address": "ул. Примерная, 7"],
        ["field_1_i": "1002", "field_2_s": "Петров Пётр Петрович, ИНН 770987654321, 01.02.1965 г.р.",
         "field_3_s": "ст. 2.1 Федерального закона от 28.12.2012 № 272-ФЗ", "field_4_dt": "2022-12-01T00:00:00+03:00",
         "field_5_dt": "2025-01-17", "field_7_s": "Физическое лицо"],
    ]

    @Test("personal identifiers never reach an entry or its case")
    func noPersonalIdentifiers() throws {
        let parse = MinjustForeignAgents.entries(registryValues: Self.registryItems)
        #expect(parse.problems.isEmpty, "\(parse.problems)")
        #expect(parse.entries.count == 2)
        for entry in parse.entries {
            let json = String(decoding: entry.legalCase().canonicalJSON, as: UTF8.self)
            for identifier in Self.identifiers {
                #expect(!String(reflecting: entry).contains(identifier), "\(identifier) in \(entry.key)")
                #expect(!entry.canonicalRow.contains(identifier), "\(identifier) in \(entry.key)")
                #expect(!json.contains(identifier), "\(identifier) in \(json)")
            }
        }
        let ivanov = parse.entries[0], petrov = parse.entries[1]
        #expect(petrov.rawName == "Петров Пётр Петрович")
        #expect(ListCells.withoutPersonalIdentifiers("Петров Пётр Петрович (ИНН 770987654321, дата рождения: 01.02.1965)")
            == "Петров Пётр Петрович")
        #expect(ivanov.subjectKind == .person)
        #expect(ivanov.websites == ["https://www.ivanov.example.org/blog", "https://t.me/ivanov_channel"])
        let legalCase = ivanov.legalCase()
        #expect(legalCase.id == "minjust-foreign-agents-1001-2024-02-02")
        #expect(legalCase.subject.websites == ["ivanov.example.org"])
        #expect(legalCase.subject.name == ["en": "Иванов Иван Иванович", "ru": "Иванов Иван Иванович"])
        let designation = try #require(legalCase.history.first)
        #expect(designation.status == .designated)
        #expect(designation.legalBasis == "255-FZ art. 7" && designation.category == "general")
        #expect(petrov.designated == CalendarDate("2022-12-01"))
        #expect(petrov.legalCase().history.map(\.status) == [.designated, .delisted])
        #expect(petrov.legalCase().status == .delisted)
    }

    @Test("the same from a parsed registry response")
    func registryResponse() throws {
        let json = #"{"size": 1, "values": [{"field_1_i": 77, "field_2_s": "Фонд «Пример»", "field_4_dt": "18.08.2021", "field_7_s": "Юридическое лицо", "field_9_s": "112-233-445 95", "nested": {"inn": "771234567890"}}]}"#
        let node = try JSONSource.parse(Data(json.utf8))
        let parse = MinjustForeignAgents.entries(registryValues: node)
        #expect(parse.problems.isEmpty, "\(parse.problems)")
        let entry = try #require(parse.entries.first)
        #expect(entry.key == "77/2021-08-18")
        #expect(entry.subjectKind == .organisation)
        #expect(!String(reflecting: entry).contains("445"))
    }

    @Test("the legal basis gives the category")
    func categories() {
        let bases: [(String, String?)] = [
            ("ст. 7 Федерального закона от 14.07.2022 № 255-ФЗ", "general"),
            ("п. 6 ст. 2 и ст. 32 Федерального закона от 12.01.1996 № 7-ФЗ «О некоммерческих организациях»", "ngo"),
            ("ст. 6 Закона РФ от 27.12.1991 № 2124-1 «О средствах массовой информации»", "media"),
            ("ст. 2.1 Федерального закона от 28.12.2012 № 272-ФЗ", "individual"),
            ("ст. 29.1 Федерального закона от 19.05.1995 № 82-ФЗ «Об общественных объединениях»",
             "unregistered_association"),
            ("Федеральный закон № 127-ФЗ", nil),
        ]
        for (text, category) in bases {
            #expect(LegalBasis.recognise(text)?.category == category, "\(text)")
        }
        #expect(LegalBasis.recognise("ст. 32 ФЗ «О некоммерческих организациях»")?.citation == "NGO law art. 32")
    }

    static let mirrorHeader = ["№ п/п", "Полное наименование/ФИО", "ИНН", "Дата рождения", "Основания включения",
                               "Дата принятия решения о включении", "Дата принятия решения об исключении"]

    @Test("the mirror CSV gives one case id to one entity whatever its row numbers")
    func mirror() throws {
        let first = try MinjustForeignAgents.entries(mirrorCSV: [
            Self.mirrorHeader,
            ["1", "Иванов Иван Иванович", "771234567890", "23.04.1971", "ст. 7 255-ФЗ", "02.02.2024", ""],
            ["2", "Фонд «Пример»", "", "", "ст. 32 № 7-ФЗ", "18.08.2021", "01.12.2022"],
        ])
        let second = try MinjustForeignAgents.entries(mirrorCSV: [
            Self.mirrorHeader,
            ["17", "Фонд «Пpимер»\u{200B}", "", "", "ст. 32 № 7-ФЗ", "2021-08-18", "2022-12-01"],
            ["5", "Сидоров Сидор Сидорович", "", "", "ст. 7 255-ФЗ", "09.02.2024", ""],
            ["18", " Иванов  Иван Иванович", "771234567890", "23.04.1971", "ст. 7 255-ФЗ", "02.02.2024", ""],
        ])
        #expect(first.problems.isEmpty && second.problems.isEmpty, "\(first.problems) \(second.problems)")
        let ids = { (parse: ListParse) in Set(parse.entries.map { $0.legalCase().id }) }
        #expect(ids(first).isSubset(of: ids(second)))
        #expect(ids(first).contains("minjust-foreign-agents-ivanov-ivan-ivanovich-2024-02-02"))
        let digests = { (parse: ListParse) in Dictionary(uniqueKeysWithValues: parse.entries.map { ($0.key, $0.rowDigest) }) }
        for (key, digest) in digests(first) { #expect(digests(second)[key] == digest, "\(key)") }
        for entry in first.entries {
            #expect(!String(reflecting: entry).contains("771234567890"))
            #expect(!String(reflecting: entry).contains("1971"))
        }
        #expect(first.entries[1].category == "ngo")
        #expect(first.entries[1].legalCase().status == .delisted)
        #expect {
            try MinjustForeignAgents.entries(mirrorCSV: [["№ п/п", "ФИО", "Основания включения"]])
        } throws: { error in
            (error as? InputError)?.problems.contains { $0.field == "Дата принятия решения о включении" } ?? false
        }
    }

    // MARK: - Tables

    @Test("a table mapping builds ids from its template")
    func table() throws {
        let mapping = TableMapping(
            id: "fa-{register}-{included}", nameRU: "name", nameEN: "name_en", type: .foreignAgent,
            steps: [.init(column: "included", status: .designated), .init(column: "excluded", status: .delisted)])
        let parse = try TableImport.entries(
            rows: [["register": "123", "included": "02.02.2024", "name": "Организация «Икс»", "name_en": "X",
                    "excluded": ""],
                   ["register": "124", "included": "", "name": "Без даты"]],
            mapping: mapping, name: "my-table")
        #expect(parse.entries.map { $0.legalCase().id } == ["fa-123-2024-02-02"])
        #expect(parse.problems.map(\.description) == ["my-table:3: included: is empty, and the id needs it"])
        let legalCase = try #require(parse.entries.first).legalCase()
        #expect(legalCase.tags == ["import-table-my-table"])
        #expect(legalCase.subject.name == ["en": "X", "ru": "Организация «Икс»"])
        #expect(legalCase.history.map(\.status) == [.designated])

        let wrong = TableMapping(id: "x-{a}", nameRU: "name", type: .foreignAgent,
                                 steps: [.init(column: "a", status: .designated), .init(column: "b", status: .listed)])
        #expect {
            try TableImport.entries(rows: [], mapping: wrong, name: "t")
        } throws: { error in
            (error as? InputError)?.problems.contains { $0.field == "mapping.steps[1].status" } ?? false
        }
    }

    // MARK: - The cases load as case files do

    @Test("every case made loads through CaseDecoder and the JSON fast path unchanged, without a problem")
    func casesLoad() throws {
        var cases = try MinjustUndesirable.entries(rows: Self.sheet()).entries.map { $0.legalCase(tag: "undesirable") }
        cases += MinjustForeignAgents.entries(registryValues: Self.registryItems).entries.map { $0.legalCase() }
        cases += try TableImport.entries(
            rows: [["n": "9", "d": "2023-11-30", "name": "Международное общественное движение ЛГБТ"]],
            mapping: TableMapping(id: "extremist-{n}", nameRU: "name", type: .extremist,
                                  steps: [.init(column: "d", status: .designated)], kind: .group),
            name: "extremist").entries.map { $0.legalCase() }
        let json = "[" + cases.map { String(decoding: $0.canonicalJSON, as: UTF8.self) }.joined(separator: ",\n") + "]"
        for fastPath in [false, true] {
            var load = RegistryLoad()
            var format = JSONRecords()
            format.fastPath = fastPath
            format.decode(Data(json.utf8), display: "imported.json", into: &load)
            #expect(load.problems.isEmpty, "\(load.problems.map(\.description))")
            for legalCase in cases {
                #expect(load.cases[legalCase.id] == legalCase, "\(legalCase.id)")
                #expect(CaseDecoder.isSlug(legalCase.id))
            }
        }
    }

    // MARK: - Pieces

    @Test("the row digest is SHA-256")
    func sha256() {
        #expect(RowDigest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(RowDigest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(RowDigest.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("ids are slugs, and a long key is cut with a digest so that ids stay apart")
    func slugs() {
        #expect(ImportSlug.id(prefix: "minjust-undesirable", key: "1076-р/2024-05-13")
            == "minjust-undesirable-1076-r-2024-05-13")
        #expect(ListCells.orderNumber("№ 1076-p") == "1076-р")
        let long = String(repeating: "Международная организация ", count: 8)
        let a = ImportSlug.id(prefix: "minjust-foreign-agents", key: long + "А/2024-01-01")
        let b = ImportSlug.id(prefix: "minjust-foreign-agents", key: long + "Б/2024-01-01")
        #expect(a != b)
        #expect(CaseDecoder.isSlug(a) && CaseDecoder.isSlug(b))
        #expect(ImportSlug.slug("Щукин Ёж Юрьевич") == "shchukin-ezh-yurevich")
    }
}
