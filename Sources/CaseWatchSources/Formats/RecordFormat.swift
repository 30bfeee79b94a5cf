import CaseWatchModel
import Foundation
import InputFormats

/// How cases are written down: a JSON array of case objects, YAML (one case or a list), or CSV rows. A format
/// only turns bytes into cases with located problems; where the bytes come from is the source's business.
package protocol RecordFormat: Sendable {
    /// The format's name in messages.
    var name: String { get }
    /// Whether a file with this name is written in this format (by its extension).
    func reads(fileName: String) -> Bool
    /// Whether a body with this content type is written in this format.
    func reads(contentType: String) -> Bool
    /// Decodes every case of a whole body into `load`; every problem is named by `display`, line and field.
    func decode(_ data: Data, display: String, into load: inout RegistryLoad)
    /// Decodes a file into `load`; a format may stream it rather than read it whole.
    func decode(file url: URL, display: String, into load: inout RegistryLoad)
    /// The largest file of this format read (``InputLimits``); a larger one is refused unread.
    var fileSizeLimit: Int { get }
}

extension RecordFormat {
    package var fileSizeLimit: Int { InputLimits.yamlFile }

    package func decode(file url: URL, display: String, into load: inout RegistryLoad) {
        let data: Data
        do {
            data = try InputLimits.read(url.path, limit: fileSizeLimit)
        } catch {
            load.problems.append(InputProblem(file: display, line: nil, field: nil, message: error.description))
            return
        }
        decode(data, display: display, into: &load)
    }
}

/// The formats CaseWatch reads.
package enum RecordFormats {
    package static let json: any RecordFormat = JSONRecords()
    package static let yaml: any RecordFormat = YAMLRecords()
    package static let csv: any RecordFormat = CSVRecords()
}
