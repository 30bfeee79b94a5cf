import Foundation

/// Writes a whole file or nothing: a temporary file in the same folder, then a rename.
package enum AtomicFile {
    package static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// A file transport's delivery: `data` written whole as `name` in `directory`, delivered (`written NAME` and
    /// `note`), or retryable with the reason when it cannot be written.
    static func deliver(_ data: Data, as name: String, in directory: URL, note: String = "") -> SendResult {
        do {
            try write(data, to: directory.appendingPathComponent(name))
            return SendResult(outcome: .delivered(detail: "written \(name)\(note)"))
        } catch {
            return SendResult(outcome: .retryable(reason: "cannot write \(name): \(error.localizedDescription)"))
        }
    }
}

/// File names from message ids: letters, digits, `.`, `-` and `_` only.
package enum FileName {
    package static func safe(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar)
                ? Character(scalar) : "_"
        })
    }
}
