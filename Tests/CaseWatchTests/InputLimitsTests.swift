import CaseWatchModel
import CaseWatchRendering
import CaseWatchTesting
import Foundation
import InputFormats
import Testing

@testable import CaseWatchSources

/// Input larger or deeper than CaseWatch takes is refused with its file and the limit named, before it costs memory
/// or stack.
@Suite("Input limits")
struct InputLimitsTests {
    /// A file of `size` bytes that takes no room on disk (a sparse file): reading it whole would take the memory.
    static func sparseFile(_ directory: TemporaryDirectory, _ name: String, size: Int) throws -> URL {
        let url = try directory.write(name, "")
        let descriptor = open(url.path, O_WRONLY)
        defer { close(descriptor) }
        #expect(ftruncate(descriptor, off_t(size)) == 0)
        return url
    }

    @Test("a file over its limit is refused unread; one at the limit is read")
    func boundedRead() throws {
        let directory = try TemporaryDirectory("casewatch-limits")
        let url = try directory.write("list.csv", String(repeating: "x", count: 100))
        #expect(try InputLimits.read(url.path, limit: 100).count == 100)
        #expect(throws: InputLimits.ReadFailure.tooLarge(limit: 99)) { try InputLimits.read(url.path, limit: 99) }
        let huge = try Self.sparseFile(directory, "huge.csv", size: 3 << 30)
        #expect(throws: InputLimits.ReadFailure.tooLarge(limit: InputLimits.listBody)) {
            try InputLimits.read(huge.path, limit: InputLimits.listBody)
        }
        #expect(InputLimits.ReadFailure.tooLarge(limit: InputLimits.listBody).description
            == "larger than the limit of 64 MiB; it was not read")
        #expect(throws: InputLimits.ReadFailure.self) { try InputLimits.read(directory.url.path + "/absent", limit: 10) }
    }

    @Test("case files over their limit: the file and the limit are named, the other files still read")
    func caseFiles() throws {
        let directory = try TemporaryDirectory("casewatch-limits")
        try RepositoryFiles.copy(["registry"], into: directory)
        _ = try Self.sparseFile(directory, "registry/huge.yaml", size: InputLimits.yamlFile + 1)
        _ = try Self.sparseFile(directory, "registry/huge.json", size: InputLimits.jsonCaseFile + 1)
        let load = RegistryFolder(displayPath: "registry", url: directory.url.appendingPathComponent("registry"),
                                  formats: [RecordFormats.yaml, RecordFormats.json]).load()
        let messages = load.problems.errors.map(\.description)
        #expect(messages == ["registry/huge.json: larger than the limit of 1 GiB; it was not read",
                             "registry/huge.yaml: larger than the limit of 32 MiB; it was not read"])
        #expect(load.cases.count == 29)
    }

    @Test("an official list's file over the limit fails its source, named with the limit, unread")
    func listFile() throws {
        let directory = try TemporaryDirectory("casewatch-limits")
        let file = try Self.sparseFile(directory, "undesirable.xlsx", size: InputLimits.listBody + 1)
        let source = RegistryImport(name: "undesirable", list: .init(list: .minjustUndesirable,
                                                                      location: .path("undesirable.xlsx"), format: .xlsx),
                                    file: file)
        var load = RegistryLoad()
        source.read(into: &load, memory: SourceMemory())
        #expect(load.cases.isEmpty)
        #expect(load.feedFailures["undesirable"]?.contains("undesirable.xlsx: larger than the limit of 64 MiB; it was not read")
            == true, "\(load.feedFailures)")
    }

    @Test("YAML text over the limit is refused before it is parsed")
    func yamlText() throws {
        let text = "id: big\nnote: \"" + String(repeating: "a", count: InputLimits.yamlFile) + "\"\n"
        let error = #expect(throws: InputError.self) { try SourceNode.parseYAML(text, file: "subscribers/big.yaml") }
        #expect(error?.description == "subscribers/big.yaml: larger than the limit of 32 MiB for a YAML file; it was not read")
    }

    @Test("100,000 nested brackets in YAML and in JSON: refused with a line, no crash",
          arguments: ["[", "{\"a\":"])
    func deepJSON(opening: String) throws {
        let text = String(repeating: opening, count: 100_000)
        var load = RegistryLoad()
        JSONRecords().decode(Data(text.utf8), display: "registry/deep.json", into: &load)
        #expect(load.problems.map(\.description) == ["registry/deep.json:1: JSON syntax: nested deeper than 256 levels"])
        var yamlLoad = RegistryLoad()
        YAMLRecords().decode(Data(String(repeating: "[", count: 100_000).utf8), display: "registry/deep.yaml", into: &yamlLoad)
        #expect(yamlLoad.problems.map(\.description) == ["registry/deep.yaml:1: lists and maps nested deeper than 256 levels"])
    }

    @Test("YAML nested past the limit, in blocks or in brackets, is refused with its line")
    func deepYAML() throws {
        // 300 levels of block maps: libyaml takes them (up to 1,000), CaseWatch's limit does not.
        var text = ""
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k\(level):\n" }
        text += String(repeating: " ", count: 300) + "leaf\n"
        let error = #expect(throws: InputError.self) { try SourceNode.parseYAML(text, file: "registry/deep.yaml") }
        #expect(error?.description == "registry/deep.yaml:257: lists and maps nested deeper than 256 levels")
        let flow = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let flowError = #expect(throws: InputError.self) { try SourceNode.parseYAML(flow, file: "registry/deep.yaml") }
        #expect(flowError?.description == "registry/deep.yaml:1: lists and maps nested deeper than 256 levels")
        // Within the limit, nesting is fine.
        let shallow = String(repeating: "[", count: 250) + String(repeating: "]", count: 250)
        #expect(throws: Never.self) { try SourceNode.parseYAML(shallow, file: "registry/ok.yaml") }
    }

    @Test("a template over its limit is named with the limit")
    func template() throws {
        let directory = try TemporaryDirectory("casewatch-limits")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("templates/case.status_changed/email.subject.en.mustache",
                            String(repeating: "{{case_name}} ", count: InputLimits.template / 14 + 1))
        let (_, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("templates"),
                                             displayPath: "templates")
        #expect(problems.map(\.description).contains(
            "templates/case.status_changed/email.subject.en.mustache: larger than the limit of 1 MiB; it was not read (a template)"),
            "\(problems)")
    }

    @Test("a subscriber file over the YAML limit is refused unread, the file and the limit named; the others load")
    func subscriberFile() throws {
        let directory = try TemporaryDirectory("casewatch-limits-subscribers")
        try RepositoryFiles.copy(["subscribers"], into: directory)
        _ = try Self.sparseFile(directory, "subscribers/huge.yaml", size: InputLimits.yamlFile + 1)
        let load = SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: ProcessEnvironment(["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]))
        #expect(load.problems.errors.map(\.description) == [
            "subscribers/huge.yaml: larger than the limit of 32 MiB; it was not read"], "\(load.problems)")
        #expect(load.subscribers.count == 4)
    }

    @Test("a subscriber's webhook body template over the template limit is named with the limit")
    func webhookTemplate() throws {
        let directory = try TemporaryDirectory("casewatch-limits-webhook")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("templates/webhooks/big.mustache",
                            String(repeating: "{{case_name}} ", count: InputLimits.template / 14 + 1))
        let (templates, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("templates"),
                                                     displayPath: "templates")
        #expect(problems.map(\.description).contains(
            "templates/webhooks/big.mustache: larger than the limit of 1 MiB; it was not read (a template)"), "\(problems)")
        #expect(templates.webhookTemplates["big"] == nil)
    }

    /// An XLSX whose workbook part inflates to 64 MiB of spaces from about 64 KB, its sizes told truly or (`lying`)
    /// as 1,000 bytes in both ZIP headers.
    static func zipBomb(lying: Bool) throws -> Data {
        let directory = try TemporaryDirectory("casewatch-bomb")
        let path = directory.url.appendingPathComponent("bomb.xlsx").path
        let script = #"""
            import sys, zipfile, struct
            path, lying = sys.argv[1], sys.argv[2] == "1"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("xl/workbook.xml", b"<workbook>" + b" " * (64 << 20) + b"</workbook>")
            data = bytearray(open(path, "rb").read())
            if lying:
                local = data.find(b"PK\x03\x04"); central = data.find(b"PK\x01\x02")
                struct.pack_into("<I", data, local + 22, 1000); struct.pack_into("<I", data, central + 24, 1000)
            open(path, "wb").write(data)
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path, lying ? "1" : "0"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("a zip bomb is refused at the part limit, before it is inflated whole, whatever its headers say",
          arguments: [false, true])
    func zipBomb(lying: Bool) throws {
        let data = try Self.zipBomb(lying: lying)
        #expect(data.count < 200_000)
        let error = #expect(throws: XLSXError.self) { try XLSXWorkbook(data: data, partSizeLimit: 1 << 20) }
        if lying {
            // Unpacking stops at the limit, or where the headers say the part ends (its checksum then fails).
            #expect(error == .partTooLarge("xl/workbook.xml", limit: 1 << 20) || error == .damagedPart("xl/workbook.xml"))
        } else {
            #expect(error == .partTooLarge("xl/workbook.xml", limit: 1 << 20))
            #expect(error?.description
                == "the XLSX part xl/workbook.xml is larger than the limit of 1 MiB uncompressed; it was not read")
        }
    }

    @Test("the limits: generous for real lists, documented in one place")
    func defaults() {
        #expect(InputLimits.yamlFile == 32 << 20)
        #expect(InputLimits.listBody == 64 << 20)
        #expect(XLSXWorkbook.maximumPartSize == InputLimits.xlsxPart)
        #expect(RegistryFeed.sizeLimit == InputLimits.listBody)
        #expect(InputLimits.describe(64 << 10) == "64 KiB")
        #expect(InputLimits.describe(1000) == "1000 bytes")
    }
}
