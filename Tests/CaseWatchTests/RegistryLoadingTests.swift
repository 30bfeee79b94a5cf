import CaseWatchTesting
import Foundation
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

@Suite("Loading the registry")
struct RegistryLoadingTests {
    static let valid = """
        id: moscow-helsinki-group-liquidation
        subject:
          kind: organisation
          name: {en: Moscow Helsinki Group, ru: Московская Хельсинкская группа}
        country: RU
        type: liquidation
        status: ruling_issued
        outcome: granted
        court: Moscow City Court
        history:
          - {date: 2022-12-14, status: claim_filed}
          - {date: 2023-01-25, status: ruling_issued, outcome: granted}
        sources: [https://example.org/mhg]
        """

    func load(_ files: [String: String]) throws -> RegistryLoad {
        let directory = try TemporaryDirectory()
        for (name, text) in files { try directory.write("registry/\(name)", text) }
        return RegistryFolder(displayPath: "registry/", url: directory.url.appendingPathComponent("registry")).load()
    }

    func messages(_ files: [String: String]) throws -> [String] {
        try load(files).problems.map(\.description)
    }

    @Test("a valid YAML case loads with every field")
    func validYAML() throws {
        let load = try load(["mhg.yaml": Self.valid])
        #expect(load.problems.isEmpty)
        let legalCase = try #require(load.cases["moscow-helsinki-group-liquidation"])
        #expect(legalCase.subject.name(in: .ru) == "Московская Хельсинкская группа")
        #expect(legalCase.subject.name(in: .fr) == "Moscow Helsinki Group")
        #expect(legalCase.status == .rulingIssued && legalCase.outcome == .granted)
        #expect(legalCase.history.count == 2)
    }

    @Test("a JSON array of the same objects loads")
    func validJSON() throws {
        let json = """
            [{"id": "sova-center-liquidation", "subject": {"kind": "organisation", "name": {"en": "SOVA Center"}},
              "country": "RU", "type": "liquidation", "status": "ruling_issued", "outcome": "granted",
              "next_hearing": null, "history": [{"date": "2023-04-27", "status": "ruling_issued", "outcome": "granted"}], "tags": []}]
            """
        let load = try load(["feed.json": json])
        #expect(load.problems.isEmpty)
        #expect(load.cases["sova-center-liquidation"]?.status == .rulingIssued)
    }

    @Test("JSON problems name their line too: syntax, and fields of the Nth case")
    func jsonLines() throws {
        let broken = "[\n  {\"id\": \"a\",\n   \"country\": \"RU\"\n  ,}\n]"
        #expect(try messages(["feed.json": broken]) == ["registry/feed.json:4: JSON syntax: expected a quoted key"])
        let json = """
            [{"id": "a", "subject": {"kind": "organisation", "name": {"en": "A \\u00e9\\ud83d\\ude00"}},
              "country": "RU", "type": "liquidation", "status": "claim_filed"},
             {"id": "b", "subject": {"kind": "organisation", "name": {"en": "B"}},
              "country": "RU", "type": "liquidation",
              "status": "desginated"}]
            """
        let load = try load(["feed.json": json])
        #expect(load.cases["a"]?.subject.name["en"] == "A é😀")
        #expect(load.problems.map(\.description)
            == [#"registry/feed.json:5: [1].status: "desginated" is not a status (did you mean "designated"?)"#])
    }

    @Test("hostile JSON is refused with a line, never a crash", arguments: [
        ("[\"\\ud800\\u0041\"]", nil),  // a lone high surrogate: U+FFFD, then "A"
        ("[\"\\ud800\\ud800\"]", nil),
        (String(repeating: "[", count: 5000), "registry/x.json:1: JSON syntax: nested deeper than 256 levels"),
        ("[2024-05]", "registry/x.json:1: JSON syntax: a malformed number"),
        ("[07]", "registry/x.json:1: JSON syntax: a malformed number"),
    ] as [(String, String?)])
    func hostileJSON(text: String, expected: String?) throws {
        let found = try messages(["x.json": text])
        if let expected {
            #expect(found == [expected])
        } else {
            #expect(found.allSatisfy { !$0.contains("JSON syntax") })  // read; the element is not a case
        }
    }

    @Test("invalid UTF-8 in a JSON file is an error with its line")
    func invalidUTF8() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("registry/x.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0x5B, 0x0A, 0x22, 0xFF, 0xFE, 0x22, 0x5D]).write(to: file)
        let load = RegistryFolder(displayPath: "registry/", url: file.deletingLastPathComponent()).load()
        #expect(load.problems.map(\.description) == ["registry/x.json:2: JSON syntax: text that is not UTF-8"])
    }

    @Test("an unknown status names file, line, field and the likely intent")
    func unknownStatus() throws {
        let text = Self.valid.replacingOccurrences(of: "status: ruling_issued\n", with: "status: ruling_isued\n")
        #expect(try messages(["mhg.yaml": text])
            == [#"registry/mhg.yaml:7: status: "ruling_isued" is not a status (did you mean "ruling_issued"?)"#])
    }

    @Test("broken YAML is reported with its line")
    func brokenYAML() throws {
        let problems = try messages(["bad.yaml": "id: x\nsubject: {kind: organisation\ncountry: RU\n"])
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("registry/bad.yaml:"))
        #expect(problems[0].contains("YAML syntax"))
    }

    @Test("wrong types, bad dates, non-ISO countries and unknown types are refused", arguments: [
        ("country: RU", "country: XX", #"registry/c.yaml:5: country: "XX" is not an ISO 3166-1 alpha-2 country code"#),
        ("type: liquidation", "type: liquidate",
         #"registry/c.yaml:6: type: "liquidate" is not a case type (did you mean "liquidation"?)"#),
        ("2022-12-14", "2022-13-14",
         #"registry/c.yaml:11: history[0].date: "2022-13-14" is not a date (expected YYYY-MM-DD, or YYYY-MM or YYYY when only that is known)"#),
        ("sources: [https://example.org/mhg]", "sources: {a: b}", "registry/c.yaml:13: sources: expected a list, found a map"),
        ("court: Moscow City Court", "court: [Moscow City Court]",
         "registry/c.yaml:9: court: expected a text value, found a list"),
    ])
    func refused(original: String, replacement: String, expected: String) throws {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(try messages(["c.yaml": text]) == [expected])
    }

    @Test("a version-1 case whose status disagrees with its steps loads with a warning, the steps' facts winning")
    func version1Disagreement() throws {
        let text = Self.valid.replacingOccurrences(of: "status: ruling_issued\noutcome: granted\n",
                                                   with: "status: appeal_filed\noutcome: upheld\n")
        let load = try load(["v1.yaml": text])
        #expect(load.problems.map(\.description) == [
            #"registry/v1.yaml:7: warning: status: "appeal_filed" disagrees with the last step (history[1]: "ruling_issued"); the status comes from the steps"#,
            #"registry/v1.yaml:8: warning: outcome: "upheld" disagrees with the last step (history[1]: "granted"); the outcome comes from the steps"#,
        ])
        #expect(load.cases.first?.value.status == .rulingIssued && load.cases.first?.value.outcome == .granted)
    }

    @Test("in a version-2 case the same disagreement is an error naming both, and a status of another type too")
    func version2Rules() throws {
        let v2 = Self.valid.replacingOccurrences(of: "{date: 2023-01-25, status: ruling_issued, outcome: granted}",
                                                 with: "{date: 2023-01-25, status: ruling_issued, outcome: granted, court: ru-moscow-city-court}")
        #expect(try messages(["v2.yaml": v2.replacingOccurrences(of: "status: ruling_issued\n", with: "status: in_force\n")])
            == [#"registry/v2.yaml:7: status: "in_force" disagrees with the last step (history[1]: "ruling_issued"); the status comes from the steps"#])
        let wrongType = v2.replacingOccurrences(of: "{date: 2022-12-14, status: claim_filed}",
                                                with: "{date: 2022-12-14, status: verdict, court: x}")
        #expect(try messages(["t.yaml": wrongType])
            == [#"registry/t.yaml:11: history[0].status: "verdict" is not a status of a liquidation case"#])
        let foreignField = v2.replacingOccurrences(of: "{date: 2022-12-14, status: claim_filed}",
                                                   with: "{date: 2022-12-14, status: claim_filed, measure: custody}")
        #expect(try messages(["f.yaml": foreignField])
            == ["registry/f.yaml:11: history[0].measure: is not a field of a liquidation case's steps"])
    }

    @Test("partial dates load with their precision; a hearing needs its day")
    func partialDates() throws {
        let partial = Self.valid.replacingOccurrences(of: "{date: 2022-12-14, status: claim_filed}",
                                                      with: "{date: 2022-12, status: claim_filed}")
        let load = try load(["p.yaml": partial])
        #expect(load.problems.isEmpty)
        #expect(load.cases.first?.value.history.first?.date.precision == .month)
        let hearing = Self.valid.replacingOccurrences(of: "sources:", with: "next_hearing: {date: 2026-02}\nsources:")
        #expect(try messages(["h.yaml": hearing]) == [#"registry/h.yaml:13: next_hearing.date: "2026-02" needs its day (YYYY-MM-DD)"#])
    }

    @Test("a missing required field is named")
    func missingField() throws {
        let text = Self.valid.replacingOccurrences(of: "country: RU\n", with: "")
        #expect(try messages(["c.yaml": text]) == ["registry/c.yaml:1: country: is required"])
    }

    @Test("the same id in two files is refused, naming both")
    func duplicateIDs() throws {
        let problems = try messages(["a.yaml": Self.valid, "b.yaml": Self.valid])
        #expect(problems == [#"registry/b.yaml:1: id: "moscow-helsinki-group-liquidation" is already used by registry/a.yaml:1"#])
    }

    @Test("an unknown field is a warning, and the case still loads")
    func unknownField() throws {
        let load = try load(["c.yaml": Self.valid + "\nnext_hearnig: null\n"])
        #expect(load.cases.count == 1)
        #expect(load.problems.map(\.description) == ["registry/c.yaml:14: warning: next_hearnig: unknown field, ignored"])
        #expect(load.problems.errors.isEmpty)
    }

    @Test("a line break in a name is refused (it would reach an e-mail header)")
    func lineBreakInName() throws {
        let text = Self.valid.replacingOccurrences(of: "{en: Moscow Helsinki Group,", with: "{en: \"Moscow\\r\\nBcc: x@example.org\",")
        let problems = try messages(["c.yaml": text])
        #expect(problems.count == 1)
        #expect(problems[0].contains("subject.name.en: must be on one line"))
    }

    @Test("history must run oldest first")
    func historyOrder() throws {
        let text = Self.valid.replacingOccurrences(of: "2023-01-25", with: "2021-01-25")
        #expect(try messages(["c.yaml": text]).first?.contains("history[1].date: 2021-01-25 is earlier") == true)
    }

    @Test("a missing registry folder is an error naming the setting")
    func missingFolder() {
        let load = RegistryFolder(displayPath: "nowhere/", url: URL(fileURLWithPath: "/nonexistent/registry")).load()
        #expect(load.problems.map(\.description) == ["nowhere/: registry.sources: the registry folder does not exist"])
    }

    @Test("the sample registry in the repository is clean")
    func sampleRegistry() {
        let load = RegistryFolder(displayPath: "registry/", url: RepositoryFiles.url("registry")).load()
        #expect(load.problems.isEmpty, "\(load.problems)")
        #expect(load.cases.count >= 10)
    }
}
