import CaseWatchModel
import Foundation
import InputFormats

/// Cases as a JSON array of case objects (or one case object). The array is decoded element by element as it is
/// read, so a large file is never held as one tree; each element is first read straight from its bytes
/// (``CaseJSONReader``), and only one that reader declines becomes a tree for ``CaseDecoder``.
package struct JSONRecords: RecordFormat {
    /// False reads every element through the tree, as the tests compare.
    var fastPath = true
    /// The gazetteer's ids, to check the references cases make.
    package var authorityIDs: Set<String>

    package init(authorityIDs: Set<String> = []) {
        self.authorityIDs = authorityIDs
    }

    package var name: String { "JSON" }

    package func reads(fileName: String) -> Bool { fileName.hasSuffix(".json") }

    package func reads(contentType: String) -> Bool { contentType.lowercased().contains("json") }

    /// Streamed, so larger than a YAML file may be.
    package var fileSizeLimit: Int { InputLimits.jsonCaseFile }

    package func decode(_ data: Data, display: String, into load: inout RegistryLoad) {
        let log = ProblemLog(file: display)
        defer { load.problems += log.problems }
        Self.decode(.data(data), log: log, into: &load, fastPath: fastPath, authorityIDs: authorityIDs)
    }

    /// A JSON file is streamed in rather than read whole: 100,000 cases are a 100 MB file.
    package func decode(file url: URL, display: String, into load: inout RegistryLoad) {
        guard let file = StreamedFile(path: url.path) else {
            do {
                decode(try InputLimits.read(url.path, limit: fileSizeLimit), display: display, into: &load)
            } catch {
                load.problems.append(InputProblem(file: display, line: nil, field: nil, message: error.description))
            }
            return
        }
        guard file.size <= fileSizeLimit else {
            load.problems.append(InputProblem(file: display, line: nil, field: nil,
                                              message: InputLimits.ReadFailure.tooLarge(limit: fileSizeLimit).description))
            return
        }
        let log = ProblemLog(file: display)
        defer { load.problems += log.problems }
        Self.decode(.streamed(file), log: log, into: &load, fastPath: fastPath, authorityIDs: authorityIDs)
        if let error = file.readError {
            log.error("cannot read: \(String(cString: strerror(error)))", field: nil, line: nil)
        }
    }

    /// Decodes the bytes in memory or streamed in; the cases go into `load` on the other core as they are read
    /// (``CaseIntake``).
    static func decode(_ input: JSONSource.Input, log: ProblemLog, into load: inout RegistryLoad, fastPath: Bool,
                       authorityIDs: Set<String> = []) {
        let decoder = CaseDecoder(log: log, authorityIDs: authorityIDs)
        var reader = CaseJSONReader()
        reader.authorityIDs = authorityIDs
        let intake = CaseIntake(taking: &load, file: log.file)
        defer { intake.finish(into: &load) }
        do {
            try JSONSource.forEachElement(
                input, textKeys: ["id"], fastPath: fastPath ? reader.read : { _, _ in nil },
                accepted: { legalCase, line, _ in intake.add(legalCase, line: line) }
            ) { node, index in
                if let legalCase = decoder.decode(node, path: index.map { "[\($0)]" } ?? "") {
                    intake.add(legalCase, line: node.line)
                }
            }
        } catch {
            log.error(error.field == nil ? "JSON syntax: \(error.message)" : error.message, field: error.field,
                      line: error.line)
        }
    }
}
