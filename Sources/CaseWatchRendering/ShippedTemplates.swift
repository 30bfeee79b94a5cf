import Foundation
import InputFormats

/// The templates and labels shipped with this CaseWatch (`templates/` of its repository, carried in the binary by
/// `scripts/ship-templates.py`). A file missing from an operator's own folder — one kept from the release before,
/// which has no template for an event type added since — is read from here instead.
package enum ShippedTemplates {
    /// Where `TemplateSet` reads a file: the operator's folder first, then the shipped copy.
    struct Source {
        let directory: URL
        let base: String

        enum Found {
            case own(String, file: String)
            case shipped(String, file: String)
            case unreadable(file: String, reason: String)
            case missing(file: String)
        }

        func read(_ name: String) -> Found {
            let file = base + name
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                let data: Data
                do {
                    data = try InputLimits.read(path, limit: InputLimits.template)
                } catch {
                    return .unreadable(file: file, reason: "\(error) (a template)")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    return .unreadable(file: file, reason: "not UTF-8 text")
                }
                return .own(text, file: file)
            }
            if let text = ShippedTemplates.files[name] { return .shipped(text, file: "(shipped) " + name) }
            return .missing(file: file)
        }

        /// The file names under `folder/` with `suffix`, the operator's and the shipped ones together.
        func names(in folder: String, suffix: String) -> [String] {
            let own = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path))
                ?? []
            let shipped = ShippedTemplates.files.keys.filter { $0.hasPrefix(folder + "/") }
                .map { String($0.dropFirst(folder.count + 1)) }.filter { !$0.contains("/") }
            return Set(own + shipped).filter { $0.hasSuffix(suffix) }.sorted()
        }
    }

    /// The shipped labels of a language under the operator's: a key the operator's file gives wins, one it lacks
    /// (a snippet added since its file was written) comes from the shipped file.
    static func overlay(_ own: SourceNode, on shipped: SourceNode) -> SourceNode {
        guard case .map(let ownEntries, let line) = own, case .map(let shippedEntries, _) = shipped else { return own }
        var merged = shippedEntries
        for entry in ownEntries {
            if let index = merged.firstIndex(where: { $0.key == entry.key }) {
                merged[index] = (entry.key, overlay(entry.value, on: merged[index].value))
            } else {
                merged.append(entry)
            }
        }
        return .map(merged, line: line)
    }
}
