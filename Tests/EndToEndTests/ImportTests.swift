import CaseWatchTesting
import Foundation
import Testing

/// An official list read as a registry source by the built binary: the register of foreign agents from a
/// community mirror's CSV, beside the sample registry.
@Suite("Importers end to end")
struct ImportTests {
    let workspace: TemporaryDirectory
    let casewatch: CommandRunner
    static let header = "№ п/п,Полное наименование/ФИО,ИНН,Дата рождения,Основания включения,"
        + "Дата принятия решения о включении,Дата принятия решения об исключении"
    static let ivanov = "1,Иванов Иван Иванович,771234567890,23.04.1971,ст. 7 255-ФЗ,02.02.2024,"
    static let fund = "2,Фонд «Пример»,,,ст. 32 № 7-ФЗ,18.08.2021,"
    static let newcomer = "3,Сидоров Сидор Сидорович,,,ст. 7 255-ФЗ,09.02.2024,"

    init() throws {
        workspace = try TemporaryDirectory("casewatch-import")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        let configuration = try workspace.read("casewatch.yml")
        try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "      path: registry/\n",
            with: "      path: registry/\n    - {import: minjust-foreign-agents, path: lists/foreign-agents.csv, id: fa}\n")
            // The lists' servers in these tests listen on 127.0.0.1, which the network guard refuses unless allowed.
            + "network: {allow_private: [127.0.0.0/8]}\n")
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    func writeList(_ rows: [String]) throws {
        try workspace.write("lists/foreign-agents.csv", ([Self.header] + rows).joined(separator: "\n") + "\n")
    }

    func events() throws -> [[String: Any]] {
        try casewatch.run(["events", "--json"]).stdout.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func source() throws -> [String: Any] {
        let lines = try casewatch.run(["sources", "--json"]).stdout.split(separator: "\n")
        return lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["id"] as? String == "fa" } ?? [:]
    }

    @Test("the first import is silent; a new entry is announced; one that leaves is delisted, not removed; a changed layout fails the source and changes nothing; no personal identifier is stored")
    func foreignAgentsMirror() throws {
        #expect(try workspace.read("casewatch.yml").contains("import: minjust-foreign-agents"))
        try writeList([Self.ivanov, Self.fund])
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        #expect(try events().isEmpty)
        let listed = try source()
        #expect(listed["cases"] as? Int == 2, "\(listed)")
        #expect(listed["entries"] as? Int == 2, "\(listed)")
        #expect(try source()["kind"] as? String == "import:minjust-foreign-agents")

        // A second list, rows renumbered and re-ordered, with one newcomer: one case.added, for the newcomer.
        try writeList([Self.newcomer.replacingOccurrences(of: "3,", with: "1,"), Self.fund, Self.ivanov])
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.output)")
        var all = try events()
        #expect(all.count == 1)
        #expect(all.first?["type"] as? String == "case.added")
        #expect(all.first?["case_id"] as? String == "minjust-foreign-agents-sidorov-sidor-sidorovich-2024-02-09")
        // Its evidence names the list where it was read, not the source's id, and the SHA-256 of its row.
        let evidence = all.first?["evidence"] as? [String: Any]
        #expect(evidence?["source"] as? String == "lists/foreign-agents.csv", "\(all)")
        #expect((evidence?["sha256"] as? String)?.count == 64)

        // The fund leaves the list: its case stays, delisted on the day of the first list without it.
        try writeList([Self.ivanov, Self.newcomer])
        let third = try casewatch.run(["run", "--once"])
        #expect(third.status == 0, "\(third.output)")
        all = try events()
        #expect(all.count == 2, "\(all)")
        #expect(!all.contains { $0["type"] as? String == "case.removed" })
        let delisted = try #require(all.last)
        #expect(delisted["type"] as? String == "case.status_changed")
        #expect((delisted["change"] as? [String: Any])?["to"] as? String == "delisted")
        #expect(try source()["cases"] as? Int == 3)

        // A layout change (a column renamed) fails the source: nothing read, nothing removed or delisted.
        try workspace.write("lists/foreign-agents.csv", Self.header.replacingOccurrences(
            of: "Дата принятия решения о включении", with: "Дата") + "\n" + Self.ivanov + "\n")
        let fourth = try casewatch.run(["run", "--once"])
        #expect(fourth.status == 0, "\(fourth.output)")
        #expect(try events().count == 2)
        let failing = try source()
        #expect((failing["last_error"] as? String)?.isEmpty == false, "\(failing)")
        #expect(try source()["cases"] as? Int == 3)

        // Neither the tax number nor the birth date of the person listed is anywhere in the store, as text or
        // inside a stored blob (which `.dump` prints in hex).
        let dump = try SQLiteShell.run(workspace.url.appendingPathComponent("var/casewatch.sqlite").path, ".dump")
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }
        #expect(dump.lowercased().contains(hex("Иванов Иван Иванович")))  // the check below can see inside blobs
        for secret in ["771234567890", "23.04.1971", "1971-04-23"] {
            #expect(!dump.contains(secret) && !dump.lowercased().contains(hex(secret)), "\(secret)")
        }
    }

    @Test("a hand-kept case that claims a list's entry takes in its steps, whether or not its own file is read again; the entry never becomes a second case")
    func handKeptCaseClaimsAnEntry() throws {
        try workspace.write("registry/fund-primer.yaml", """
            id: fund-primer
            subject:
              kind: organisation
              name: {en: Primer Foundation, ru: Фонд «Пример», fr: Fondation Primer}
            country: RU
            type: foreign_agent
            history:
              - {date: 2021-08-18, status: designated, note: "Designated; the operator's own words."}
            imports: ["minjust-foreign-agents:фонд пример/2021-08-18"]

            """)
        try writeList([Self.ivanov, Self.fund])
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        #expect(try source()["cases"] as? Int == 1)  // Ivanov; the fund's entry belongs to the hand-kept case

        // The list now says the fund was excluded; the case file is not touched (and not read again).
        try writeList([Self.ivanov, "2,Фонд «Пример»,,,ст. 32 № 7-ФЗ,18.08.2021,01.12.2022"])
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.output)")
        let all = try events()
        #expect(all.count == 1, "\(all)")
        #expect(all.first?["case_id"] as? String == "fund-primer")
        #expect((all.first?["change"] as? [String: Any])?["to"] as? String == "delisted")
        #expect(!all.contains { ($0["case_id"] as? String ?? "").hasPrefix("minjust-foreign-agents-fond") })
        // The operator's own step and note stay as written.
        let dump = try SQLiteShell.run(workspace.url.appendingPathComponent("var/casewatch.sqlite").path,
                                       "SELECT json FROM case_snapshot WHERE id = 'fund-primer'")
        #expect(dump.contains("the operator's own words") && dump.contains("\"delisted\""), "\(dump)")
    }

    @Test("a list fetched from a url: read, then recognised unchanged by its rows; a server error fails the source and changes nothing")
    func listFromURL() throws {
        let list = try workspace.write("served.csv", ([Self.header, Self.ivanov, Self.fund]).joined(separator: "\n") + "\n")
        let server = try HTTPReceiver(script: ["200", "200", "503"], defaultStatus: 200, extra: ["--feed", list.path])
        let configuration = try workspace.read("casewatch.yml")
        try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "path: lists/foreign-agents.csv", with: "url: \"\(server.url)/feed\", format: csv"))
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        let read = try source()
        #expect(read["cases"] as? Int == 2, "\(read)")
        let second = try casewatch.run(["run", "--once"])
        #expect(second.stdout.contains("0 read anew"), "\(second.stdout)")
        let third = try casewatch.run(["run", "--once"])
        #expect(third.status == 0, "\(third.output)")
        let failing = try source()
        #expect((failing["last_error"] as? String)?.contains("503") == true, "\(failing)")
        #expect(failing["cases"] as? Int == 2)
        #expect(try events().isEmpty)
        #expect(try server.requests().filter { $0.path == "/feed" }.count == 3)
    }

    @Test("a list failing three cycles in a row tells the operator once, by e-mail, and again only after it has worked")
    func failingListTellsTheOperator() throws {
        let configuration = try workspace.read("casewatch.yml")
        try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "operator:\n  email: null", with: "operator:\n  email: ops@example.org"))
        #expect(try workspace.read("casewatch.yml").contains("email: ops@example.org"))
        try writeList([Self.ivanov])
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try workspace.write("lists/foreign-agents.csv", "not a list at all\n")
        func notices() throws -> [String] {
            let folder = workspace.url.appendingPathComponent("var/mail")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            // Headers as they are, the body decoded from its base64.
            return try names.map { name -> String in
                let message = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                guard let split = message.range(of: "\r\n\r\n") ?? message.range(of: "\n\n") else { return message }
                let body = message[split.upperBound...].filter { !$0.isWhitespace }
                let decoded = Data(base64Encoded: String(body)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return message[..<split.lowerBound] + "\n\n" + decoded
            }.filter { $0.contains("keeps failing") }
        }
        for run in 1...4 {
            let result = try casewatch.run(["run", "--once"])
            #expect(result.status == 0, "\(result.output)")
            #expect(try notices().count == (run >= 3 ? 1 : 0), "run \(run)")
        }
        let notice = try #require(try notices().first)
        #expect(notice.contains("registry source fa keeps failing"))
        #expect(notice.contains("failed 3 cycles in a row"))
        // It works again, then fails three more times: a second notice.
        try writeList([Self.ivanov])
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        try workspace.write("lists/foreign-agents.csv", "still not a list\n")
        for _ in 1...3 { #expect(try casewatch.run(["run", "--once"]).status == 0) }
        #expect(try notices().count == 2)
    }

    /// The registry service's data for the stand-in (`Tests/Peers/registry_peer.py`): the register of foreign agents
    /// with `count` entries, personal identifiers in hidden columns, and the undesirable list with two entries.
    static func serviceData(count: Int) -> [String: Any] {
        let agents = (1...count).map { number -> [String: Any] in
            ["field_1_i": number, "field_2_s": "Организация номер \(number)", "field_3_s": "ст. 7 255-ФЗ",
             "field_4_dt": "2024-02-\(String(format: "%02d", 1 + number % 28))", "field_5_dt": NSNull(),
             "field_6_s": "https://example\(number).org", "field_7_s": "Юридическое лицо",
             "field_8_s": "77\(String(format: "%010d", number))", "field_9_dt": "1971-04-23", "field_10_s": "Москва, ул. Примерная, 1"]
        }
        let agentColumns: [[String: Any]] = [
            ("field_1_i", "Номер", false), ("field_2_s", "Наименование", false), ("field_3_s", "Основания", false),
            ("field_4_dt", "Дата включения", false), ("field_5_dt", "Дата исключения", false),
            ("field_6_s", "Сайты", false), ("field_7_s", "Вид", false), ("field_8_s", "ИНН", true),
            ("field_9_dt", "Дата рождения", true), ("field_10_s", "Адрес", true),
        ].map { ["name": $0.0, "title": $0.1, "hidden": $0.2] }
        let titles = ["№ п/п", "Дата распоряжения Минюста России о включении в перечень", "Номер распоряжения",
                      "Дата решения Генерального прокурора Российской Федерации (его заместителя) о признании деятельности нежелательной",
                      "Наименование организации", "Дата опубликования",
                      "Дата и номер распоряжения Минюста России об исключении из перечня",
                      "Дата отмены решения о признании деятельности нежелательной", "Статус"]
        let undesirableColumns = titles.enumerated().map { ["name": "f\($0.offset)", "title": $0.element, "hidden": false] }
        let undesirable = [
            ["1", "07.02.2023", "138-р", "25.01.2023", "SIA «Medusa Project» (Латвийская Республика)", "", "", "", "Включена"],
            ["2", "21.03.2023", "330-р", "03.03.2023",
             "«Transparency International» (Transparency International e.V.) (Федеративная Республика Германия)", "", "", "",
             "Включена"],
        ].map { row in Dictionary(uniqueKeysWithValues: row.enumerated().map { ("f\($0.offset)", $0.element) }) }
        return [
            "39": ["title": "Реестр иностранных агентов", "lastModified": "2026-11-27T18:00:00",
                   "columns": agentColumns, "values": agents],
            "41": ["title": "Перечень нежелательных организаций", "lastModified": "2026-11-28T10:15:00",
                   "columns": undesirableColumns, "values": undesirable],
        ]
    }

    @Test("both lists from the registry service, page by page (limit 1,000): every entry read, the as-of date from lastModified, hidden personal identifiers never stored")
    func registryService() throws {
        let directory = try TemporaryDirectory("casewatch-registry-service")
        let data = directory.url.appendingPathComponent("data.json")
        try JSONSerialization.data(withJSONObject: Self.serviceData(count: 1_234)).write(to: data)
        let log = directory.url.appendingPathComponent("requests.jsonl")
        let service = try PeerProcess("registry_peer.py", arguments: ["--data", data.path, "--log", log.path],
                                      directory: directory)
        defer { service.stop() }
        let base = "http://127.0.0.1:\(service.port)/rest/registry"
        let configuration = try workspace.read("casewatch.yml")
        try workspace.write("casewatch.yml", configuration.replacingOccurrences(
            of: "    - {import: minjust-foreign-agents, path: lists/foreign-agents.csv, id: fa}\n",
            with: "    - {import: minjust-foreign-agents, url: \"\(base)/39\", format: registry, id: fa}\n"
                + "    - {import: minjust-undesirable, url: \"\(base)/41\", format: registry, id: undesirable}\n"))
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.output)")
        let agents = try source()
        #expect(agents["entries"] as? Int == 1_234, "\(agents)")
        #expect(agents["cases"] as? Int == 1_234)
        #expect(agents["as_of"] as? String == "2026-11-27")
        let lines = try casewatch.run(["sources", "--json"]).stdout.split(separator: "\n")
        let undesirable = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["id"] as? String == "undesirable" } ?? [:]
        #expect(undesirable["cases"] as? Int == 2, "\(undesirable)")
        #expect(undesirable["as_of"] as? String == "2026-11-28")
        // Two pages of the register, each asked with a limit the service accepts.
        let requests = try String(contentsOf: log, encoding: .utf8)
        #expect(requests.contains(#"\"offset\":0"#) && requests.contains(#"\"offset\":1000"#), "\(requests)")
        #expect(!requests.contains(#"\"limit\":1001"#))
        let dump = try SQLiteShell.run(workspace.url.appendingPathComponent("var/casewatch.sqlite").path, ".dump")
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }
        for secret in ["770000000042", "1971-04-23", "Примерная"] {
            #expect(!dump.contains(secret) && !dump.lowercased().contains(hex(secret)), "\(secret)")
        }
    }
}
