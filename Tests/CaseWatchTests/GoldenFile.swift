import Foundation
import Testing

/// Compares rendered output with a file under `Tests/CaseWatchTests/Golden/`.
///
/// `CASEWATCH_UPDATE_GOLDEN=1 scripts/test.sh` rewrites the files; review the diff before committing.
enum GoldenFile {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CASEWATCH_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(expected != nil, "missing golden file \(name)", sourceLocation: sourceLocation)
        #expect(text == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
    }
}
