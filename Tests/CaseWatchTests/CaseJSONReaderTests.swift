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

/// The fast path of JSON case files must be invisible: the same cases, lines and messages as decoding
/// every element as a tree, for good input and bad.
@Suite("Reading JSON cases straight from bytes")
struct CaseJSONReaderTests {
    /// A JSON case file's cases, read straight from bytes where it can (`fastPath`) or through the tree.
    static func parse(_ data: Data, display: String, fastPath: Bool = true) -> RegistryLoad {
        var load = RegistryLoad()
        var format = JSONRecords()
        format.fastPath = fastPath
        format.decode(data, display: display, into: &load)
        return load
    }

    /// A file read both ways, and streamed in through a window of a few bytes (every element read
    /// again and again as more comes in); what each loaded and said.
    struct BothWays {
        let fast: RegistryLoad
        let slow: RegistryLoad
        let streamed: RegistryLoad

        init(_ text: String) throws {
            try self.init(Data(text.utf8))
        }

        init(_ data: Data) throws {
            fast = CaseJSONReaderTests.parse(data, display: "registry/x.json")
            slow = CaseJSONReaderTests.parse(data, display: "registry/x.json", fastPath: false)
            let directory = try TemporaryDirectory()
            let url = directory.url.appendingPathComponent("x.json")
            try data.write(to: url)
            var streamed = RegistryLoad()
            let log = ProblemLog(file: "registry/x.json")
            let file = try #require(StreamedFile(path: url.path, step: 5))
            JSONRecords.decode(.streamed(file), log: log, into: &streamed, fastPath: true)
            streamed.problems += log.problems
            self.streamed = streamed
        }

        var messages: [String] { fast.problems.map(\.description) }

        var agree: Bool {
            [fast, streamed].allSatisfy { load in
                load.cases == slow.cases && load.problems.map(\.description) == slow.problems.map(\.description)
                    && load.sourceOfCase == slow.sourceOfCase
            }
        }
    }

    static var sampleCases: [LegalCase] {
        RegistryFolder(displayPath: "registry/", url: RepositoryFiles.url("registry")).load().cases.values
            .sorted { $0.id < $1.id }
    }

    /// The sample registry as pretty-printed JSON: keys sorted, not in canonical order, and many lines.
    static func prettyJSON(_ cases: [LegalCase]) throws -> Data {
        let objects = try cases.map { try JSONSerialization.jsonObject(with: Data($0.canonicalJSON)) }
        return try JSONSerialization.data(withJSONObject: objects,
                                          options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    @Test("a file cut short while it is streamed in is read as far as it goes, as a whole read would read it")
    func fileCutShort() throws {
        let cases = Array(Self.sampleCases.prefix(3))
        let json = Data("[".utf8) + Data(cases.map { String(decoding: $0.canonicalJSON, as: UTF8.self) }
            .joined(separator: ",\n").utf8) + Data("]\n".utf8)
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("x.json")
        // Sized while it was longer (a writer truncating and rewriting it), read after it shrank.
        try (json + Data(repeating: UInt8(ascii: " "), count: 4096)).write(to: url)
        let file = try #require(StreamedFile(path: url.path, step: 64))
        try json.write(to: url)
        var load = RegistryLoad()
        let log = ProblemLog(file: "registry/x.json")
        JSONRecords.decode(.streamed(file), log: log, into: &load, fastPath: true)
        #expect(log.problems.isEmpty, "\(log.problems)")
        #expect(load.cases.count == 3)
        #expect(load.cases == Self.parse(json, display: "registry/x.json").cases)
    }

    @Test("each case of the sample registry is read from its canonical JSON, whole, unless it has an escape")
    func canonicalCases() throws {
        let cases = Self.sampleCases
        #expect(cases.count >= 10)
        var declined = 0
        for legalCase in cases {
            let json = legalCase.canonicalJSON
            let read = json.withUnsafeBufferPointer { CaseJSONReader().read($0, at: 0) }
            if json.contains(UInt8(ascii: "\\")) {
                // `"For Human Rights"`: escapes are left to the tree.
                #expect(read == nil)
                declined += 1
            } else {
                #expect(read?.value == legalCase)
                #expect(read?.end == json.count && read?.newlines == 0)
            }
        }
        #expect(declined < cases.count / 2)
    }

    @Test("the sample registry, compact or pretty-printed, loads the same both ways, lines included")
    func sampleRegistry() throws {
        let cases = Self.sampleCases
        let compact = "[" + cases.map { String(decoding: $0.canonicalJSON, as: UTF8.self) }.joined(separator: ",\n") + "]"
        let pretty = String(decoding: try Self.prettyJSON(cases), as: UTF8.self)
        for text in [compact, pretty] {
            let both = try BothWays(text)
            #expect(both.agree)
            #expect(both.fast.problems.isEmpty, "\(both.fast.problems)")
            #expect(both.fast.cases.count == cases.count)
        }
        // Each case twice: the second of each is refused, naming the line of the first (and its own).
        let twice = "[" + pretty.dropFirst().dropLast() + ",\n" + pretty.dropFirst()
        let both = try BothWays(twice)
        #expect(both.agree)
        #expect(both.messages.count == cases.count)
        #expect(both.messages.first?.contains("is already used by registry/x.json:2") == true, "\(both.messages)")
    }

    /// A valid case in canonical JSON, to break one way at a time.
    static let valid: String = {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.nextHearing = Hearing(date: CaseFixtures.date("2023-04-27"), time: "10:00", court: "Moscow City Court")
        legalCase.subject.name["fr"] = "Groupe Helsinki de Moscou"
        return String(decoding: legalCase.canonicalJSON, as: UTF8.self)
    }()

    @Test("bad or unusual input gets the same cases and messages, with the same lines", arguments: [
        (#""id":"moscow-helsinki-group-liquidation""#, #""id":"Moscow Helsinki""#),
        (#""id":"moscow-helsinki-group-liquidation""#, #""id":5"#),
        (#""id":"moscow-helsinki-group-liquidation""#, #""id":null"#),
        (#""id":"moscow-helsinki-group-liquidation""#, #""id":"moscow-helsinki-group-liquidation","id":"x""#),
        (#""country":"RU","#, ""),
        (#""country":"RU""#, #""country":"XX""#),
        (#""country":"RU""#, #""country":"ru""#),
        (#""type":"liquidation""#, #""type":"liquidate""#),
        (#""status":"ruling_issued","outcome":"granted""#, #""status":"desginated","outcome":"granted""#),
        (#""outcome":"granted","claimant""#, #""outcome":"won","claimant""#),
        (#""claimant":"Ministry"#, #""claimant":"Line\nBreak Ministry"#),
        (#""claimant":"Ministry"#, #""claimant":"\"Quoted\" Ministry"#),
        (#""claimant":"Ministry of Justice, Main Directorate for Moscow""#, #""claimant":true"#),
        (#""claimant":"Ministry of Justice, Main Directorate for Moscow""#, #""claimant":12.5"#),
        (#""claimant":"Ministry"#, "\"claimant\":\"\u{01}Ministry"),
        (#""kind":"organisation""#, #""kind":"company""#),
        (#""kind":"organisation","#, ""),
        (#""en":"Moscow Helsinki Group","#, ""),
        (#""en":"Moscow Helsinki Group""#, #""en":null"#),
        (#""fr":"Groupe Helsinki de Moscou""#, #""fr":null"#),
        (#""fr":"Groupe Helsinki de Moscou""#, #""de":"Moskauer Helsinki-Gruppe""#),
        (#""name":{"#, #""name":null,"x":{"#),
        (#""court":"Moscow City Court","case_number""#, #""court":["Moscow City Court"],"case_number""#),
        (#""case_number":null"#, #""case_number":null,"next_hearnig":null"#),
        (#""time":"10:00""#, #""time":"25:00""#),
        (#""time":"10:00""#, #""time":null"#),
        (#""date":"2023-04-27""#, #""date":null"#),
        (#""date":"2023-04-27""#, #""date":"2023-02-30""#),
        (#""date":"2022-12-14""#, #""date":"2024-12-14""#),
        (#""date":"2022-12-14""#, #""date":"2023-01-25""#),
        (#""date":"2022-12-14""#, #""date":"2022-13-14""#),
        (#""history":["#, #""history":["x","#),
        (#""history":["#, #""history":null,"h":["#),
        (#""note":null"#, #""note":"A\tnote with a tab""#),
        (#""note":null"#, #""note":"A note\non two lines""#),
        (#""https://example.org/mhg""#, #""ftp://example.org/mhg""#),
        (#""https://example.org/mhg""#, #""https://example.org/a b""#),
        (#""https://example.org/mhg""#, "\"https://example.org/a\u{A0}b\""),
        (#""https://example.org/mhg""#, #""https:\/\/example.org\/mhg""#),
        (#""https://example.org/mhg""#, #"null"#),
        (#""tags":["helsinki-group"]"#, #""tags":["Helsinki Group"]"#),
        (#""tags":["helsinki-group"]"#, #""tags":"helsinki-group""#),
        (#""tags":["helsinki-group"]"#, #""tags":[1]"#),
        (#""tags":["helsinki-group"]"#, #""tags":null"#),
        (#""tags":["helsinki-group"]"#, #""tags":[]"#),
        (#""tags":["helsinki-group"]}"#, #""tags":["helsinki-group"],}"#),
        (#""country":"RU""#, #""country" "RU""#),
        (#""country":"RU""#, "\n\"country\"\n:\n\"RU\"\n"),
        (#""Moscow Helsinki Group""#, #""Moscow Helsinki Group \u00e9\ud83d\ude00""#),
    ] as [(String, String)])
    func badInput(original: String, replacement: String) throws {
        #expect(Self.valid.contains(original))
        let broken = Self.valid.replacingOccurrences(of: original, with: replacement)
        let other = Self.valid.replacingOccurrences(of: "moscow-helsinki-group-liquidation", with: "other-case")
        let both = try BothWays("[\n" + other + ",\n  " + broken + ",\n" + other.replacingOccurrences(of: "other-", with: "third-") + "\n]")
        #expect(both.agree, "fast: \(both.fast.problems) slow: \(both.slow.problems)")
    }

    @Test("elements that are no case object, and broken files, get the same messages", arguments: [
        "[{}]", "[\"x\"]", "[null, 1, true]", "{\"id\": \"a\"}", "[{\"id\": \"a\"", "[{\"id\": \"a\"},]",
        "[{\"id\": \"a\"}\n{\"id\": \"b\"}]", "[\n{\"id\":\n\"a\",\n\"id\": \"a\"}]",
    ])
    func notCases(text: String) throws {
        let both = try BothWays(text)
        #expect(both.agree, "fast: \(both.fast.problems) slow: \(both.slow.problems)")
        #expect(!both.fast.problems.isEmpty)
    }

    @Test("invalid UTF-8 inside a case is reported as it was")
    func invalidUTF8() throws {
        var bytes = Array("[\n".utf8) + Array(Self.valid.utf8) + Array("]".utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "M"))!
        bytes[at] = 0xFF
        let both = try BothWays(Data(bytes))
        #expect(both.agree)
        #expect(both.messages == ["registry/x.json:2: JSON syntax: text that is not UTF-8"])
    }

    @Test("a JSON file's cases join those of the files before it: an id used twice names the first place")
    func acrossFiles() throws {
        let directory = try TemporaryDirectory()
        let cases = Self.sampleCases
        let pretty = String(decoding: try Self.prettyJSON(cases), as: UTF8.self)
        try directory.write("registry/a.json", pretty)
        try directory.write("registry/b.yaml", RegistryLoadingTests.valid)
        try directory.write("registry/c.json", "[" + String(decoding: cases[3].canonicalJSON, as: UTF8.self) + "]")
        let load = RegistryFolder(displayPath: "registry/", url: directory.url.appendingPathComponent("registry")).load()
        #expect(load.problems.map(\.description) == [
            #"registry/b.yaml:1: id: "moscow-helsinki-group-liquidation" is already used by registry/a.json:\#(Self.line(of: "moscow-helsinki-group-liquidation", in: pretty))"#,
            #"registry/c.json:1: id: "\#(cases[3].id)" is already used by registry/a.json:\#(Self.line(of: cases[3].id, in: pretty))"#,
        ])
        #expect(load.cases.count == cases.count)
        #expect(load.sourceOfCase[cases[3].id] == "registry/a.json")
    }

    /// The line of the object whose id is `id` in pretty-printed JSON (its `{` is one line above the
    /// `"id"` line when keys are sorted: `case_number`, `claimant`… come first, so it is searched for).
    static func line(of id: String, in pretty: String) -> Int {
        let lines = pretty.split(separator: "\n", omittingEmptySubsequences: false)
        let idLine = lines.firstIndex { $0.contains("\"id\" : \"\(id)\"") }!
        return lines[..<idLine].lastIndex { $0.hasSuffix("{") && $0.hasPrefix("  {") }! + 1
    }
}
