import Foundation

/// The CaseWatch repository that the tests run from: its sample registry, templates and subscribers.
public enum RepositoryFiles {
    /// The package root, found from this source file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// Copies repository folders (such as `registry`) into `directory`.
    public static func copy(_ relativePaths: [String], into directory: TemporaryDirectory) throws {
        for path in relativePaths {
            try FileManager.default.copyItem(at: url(path), to: directory.url.appendingPathComponent(path))
        }
    }
}
