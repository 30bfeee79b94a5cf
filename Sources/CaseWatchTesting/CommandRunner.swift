import Foundation

/// Runs the built `casewatch` binary the way an operator or cron does, and captures what it printed.
package struct CommandRunner: Sendable {
    package struct Result: Sendable {
        package let status: Int32
        package let stdout: String
        package let stderr: String
        /// Everything the command printed, for "no secret anywhere" checks.
        package var output: String { stdout + stderr }
    }

    /// The `casewatch` executable beside the test bundle (SwiftPM builds both into one folder).
    package static let binary: URL = {
        let bundle = Bundle.main.bundleURL
        var folder = bundle
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("casewatch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return RepositoryFiles.url(".build/debug/casewatch")
    }()

    package let directory: URL
    package var environment: [String: String]

    package init(directory: URL, environment: [String: String] = [:]) {
        self.directory = directory
        self.environment = environment
    }

    /// Starts `casewatch arguments…` in `directory` without waiting for it.
    package func start(_ arguments: [String], stdout: URL, stderr: URL) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        return process
    }

    /// Runs `casewatch arguments…` to completion (bounded by `timeout` seconds, then killed).
    package func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> Result {
        let logs = try TemporaryDirectory("casewatch-output")
        let out = logs.url.appendingPathComponent("stdout"), err = logs.url.appendingPathComponent("stderr")
        let process = try start(arguments, stdout: out, stderr: err)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
