import Foundation
import InputFormats

/// A folder of case files: `*.yaml` / `*.yml` holding one case or a list of cases, `*.json` holding an
/// array of cases (or one case object).
package struct RegistryFolder: Sendable {
    /// The folder as the operator wrote it, used in messages.
    package let displayPath: String
    /// The folder on disk.
    package let url: URL

    package init(displayPath: String, url: URL) {
        self.displayPath = displayPath
        self.url = url
    }

    /// The case files, sorted by name so that loading order (and messages) are stable.
    func files() throws(InputError) -> [(display: String, url: URL)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError([InputProblem(file: displayPath, line: nil, field: "registry.sources",
                                           message: "the registry folder does not exist")])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw InputError([InputProblem(file: displayPath, line: nil, field: "registry.sources",
                                           message: "cannot list the folder: \(error.localizedDescription)")])
        }
        let base = displayPath.hasSuffix("/") ? displayPath : displayPath + "/"
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { (base + $0, url.appendingPathComponent($0)) }
    }

    /// Parses every file; problems are collected, not thrown, so one bad file does not hide another.
    func load() -> RegistryLoad {
        var result = RegistryLoad()
        load(into: &result, signatures: [:])
        return result
    }

    /// Parses every file into `load`, except those whose stat signature is still the one in
    /// `signatures`: their cases stay as last recorded (the unchanged cron tick costs a `stat` per file).
    func load(into load: inout RegistryLoad, signatures: [String: String]) {
        let files: [(display: String, url: URL)]
        do {
            files = try self.files()
        } catch {
            load.problems += error.problems
            return
        }
        for file in files {
            let signature = FileSignature.of(file.url)
            if let signature, signatures[file.display] == signature {
                load.frozenSources.insert(file.display)
                continue
            }
            let readAt = Date()
            CaseFile.load(display: file.display, url: file.url, into: &load)
            // A file changed just before this read could change again within the same timestamp tick
            // after it, unseen by its signature: such a signature is not kept, so the file is read again.
            if let signature, !FileSignature.changedNear(file.url, readAt) { load.fileSignatures[file.display] = signature }
        }
    }
}

/// One file of cases.
enum CaseFile {
    static func load(display: String, url: URL, into load: inout RegistryLoad) {
        // A JSON file is streamed in rather than read whole: 100,000 cases are a 100 MB file.
        if url.pathExtension == "json", let file = StreamedFile(path: url.path) {
            let log = ProblemLog(file: display)
            defer { load.problems += log.problems }
            parseJSON(.streamed(file), log: log, into: &load, fastPath: true)
            if let error = file.readError {
                log.error("cannot read: \(String(cString: strerror(error)))", field: nil, line: nil)
            }
            return
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            load.problems.append(InputProblem(file: display, line: nil, field: nil,
                                              message: "cannot read: \(error.localizedDescription)"))
            return
        }
        parse(data, display: display, isJSON: url.pathExtension == "json", into: &load)
    }

    static func parse(_ data: Data, display: String, isJSON: Bool, fastPath: Bool = true) -> RegistryLoad {
        var load = RegistryLoad()
        parse(data, display: display, isJSON: isJSON, into: &load, fastPath: fastPath)
        return load
    }

    /// Decodes every case of a file into `load`. A JSON array is decoded element by element as it is
    /// read, so a large file is never held as one tree; each element is first read straight from its
    /// bytes (``CaseJSONReader``), and only one that reader declines becomes a tree (`fastPath` false:
    /// every one does, as the tests compare).
    static func parse(_ data: Data, display: String, isJSON: Bool, into load: inout RegistryLoad, fastPath: Bool = true) {
        let log = ProblemLog(file: display)
        let decoder = CaseDecoder(log: log)
        defer { load.problems += log.problems }
        if isJSON {
            parseJSON(.data(data), log: log, into: &load, fastPath: fastPath)
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.error("not UTF-8 text", field: nil, line: nil)
            return
        }
        let root: SourceNode
        do {
            root = try SourceNode.parseYAML(text, file: display)
        } catch {
            load.problems += error.problems
            return
        }
        switch root {
        case .list(let items, _):
            for (index, item) in items.enumerated() {
                if let legalCase = decoder.decode(item, path: "[\(index)]") {
                    load.add(legalCase, file: display, line: item.line)
                }
            }
        case .null:
            // A file truncated mid-write looks like this; counting its cases as removed would send
            // retractions, so an empty file is refused until it holds its cases again.
            log.error("the file is empty; a case file holds one case or a list of cases", field: nil, line: nil)
        default:
            if let legalCase = decoder.decode(root) { load.add(legalCase, file: display, line: root.line) }
        }
    }

    /// The JSON half of ``parse(_:display:isJSON:into:fastPath:)``, for bytes in memory or streamed in.
    static func parseJSON(_ input: JSONSource.Input, log: ProblemLog, into load: inout RegistryLoad, fastPath: Bool) {
        let decoder = CaseDecoder(log: log)
        let intake = CaseIntake(taking: &load, file: log.file)
        defer { intake.finish(into: &load) }
        do {
            try JSONSource.forEachElement(
                input, fastPath: fastPath ? CaseJSONReader().read : { _, _ in nil },
                accepted: { legalCase, line, _ in intake.add(legalCase, line: line) }
            ) { node, index in
                if let legalCase = decoder.decode(node, path: index.map { "[\($0)]" } ?? "") {
                    intake.add(legalCase, line: node.line)
                }
            }
        } catch {
            log.error("JSON syntax: \(error.message)", field: nil, line: error.line)
        }
    }
}
