import Foundation
import InputFormats

/// A folder of case files (`registry.sources: - path:`): `*.yaml` / `*.yml` holding one case or a list of cases,
/// `*.json` holding an array of cases (or one case object). The operator's own files: a problem in them is bad
/// input (exit 65).
package struct RegistryFolder: RegistrySource {
    /// The folder as the operator wrote it, used in messages.
    package let displayPath: String
    /// The folder on disk.
    package let url: URL
    /// The formats of the files read; other files are left alone.
    package let formats: [any RecordFormat]

    package init(displayPath: String, url: URL, formats: [any RecordFormat] = [RecordFormats.yaml, RecordFormats.json]) {
        self.displayPath = displayPath
        self.url = url
        self.formats = formats
    }

    package var name: String { displayPath }
    package var isRemote: Bool { false }

    /// A case file of this folder (named as the operator names the folder, then the file's name).
    package func owns(_ recordedSource: String) -> Bool {
        recordedSource.hasPrefix(base) && !recordedSource.dropFirst(base.count).contains("/")
    }

    private var base: String { displayPath.hasSuffix("/") ? displayPath : displayPath + "/" }

    package func read(into load: inout RegistryLoad, memory: SourceMemory) {
        self.load(into: &load, signatures: memory.signatures)
    }

    /// The case files, sorted by name so that loading order (and messages) are stable.
    func files() throws(InputError) -> [(display: String, url: URL, format: any RecordFormat)] {
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
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
            formats.first { $0.reads(fileName: name) }.map { (base + name, url.appendingPathComponent(name), $0) }
        }
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
        let files: [(display: String, url: URL, format: any RecordFormat)]
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
            file.format.decode(file: file.url, display: file.display, into: &load)
            // A file changed just before this read could change again within the same timestamp tick
            // after it, unseen by its signature: such a signature is not kept, so the file is read again.
            if let signature, !FileSignature.changedNear(file.url, readAt) { load.fileSignatures[file.display] = signature }
        }
    }
}
