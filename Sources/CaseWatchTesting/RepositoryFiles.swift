import Foundation

/// The CaseWatch repository that the tests run from: its sample registry, templates and subscribers.
package enum RepositoryFiles {
    /// The package root, found from this source file's location.
    package static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    package static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// Copies repository folders (such as `registry`) into `directory`.
    package static func copy(_ relativePaths: [String], into directory: TemporaryDirectory) throws {
        for path in relativePaths {
            try FileManager.default.copyItem(at: url(path), to: directory.url.appendingPathComponent(path))
        }
    }
}
