import CaseWatchModel
import Foundation
import InputFormats

/// Cases as YAML: one case, or a list of cases.
package struct YAMLRecords: RecordFormat {
    /// The gazetteer's ids, to check the references cases make.
    package var authorityIDs: Set<String>

    package init(authorityIDs: Set<String> = []) {
        self.authorityIDs = authorityIDs
    }

    package var name: String { "YAML" }

    package func reads(fileName: String) -> Bool { fileName.hasSuffix(".yaml") || fileName.hasSuffix(".yml") }

    package func reads(contentType: String) -> Bool { contentType.lowercased().contains("yaml") }

    package func decode(_ data: Data, display: String, into load: inout RegistryLoad) {
        let log = ProblemLog(file: display)
        let decoder = CaseDecoder(log: log, authorityIDs: authorityIDs)
        defer { load.problems += log.problems }
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
}
