import Foundation

/// The `sqlite3` command, as an operator (or a test) looks into a store file from outside CaseWatch.
package enum SQLiteShell {
    /// What `sqlite3 path arguments…` prints on standard output.
    package static func run(_ path: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output
    }
}
