import Foundation

/// A test peer from `Tests/Peers/` (an SMTP server, a webhook receiver) running on 127.0.0.1.
///
/// Started with a port file, stopped by its PID when the value goes away: SIGTERM, then SIGKILL if it
/// has not exited within two seconds.
package final class PeerProcess: @unchecked Sendable {
    package let port: Int
    package let process: Process
    package let directory: TemporaryDirectory

    /// Starts `Tests/Peers/<script>` with `arguments` and waits (at most 20 s) for its port.
    package init(_ script: String, arguments: [String], directory: TemporaryDirectory? = nil) throws {
        let directory = try directory ?? TemporaryDirectory("casewatch-peer")
        let portFile = directory.url.appendingPathComponent("port-\(UUID().uuidString.prefix(6))")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [RepositoryFiles.url("Tests/Peers/\(script)").path, "--port-file", portFile.path]
            + arguments
        let log = directory.url.appendingPathComponent("\(script).stderr")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if port == nil { usleep(20_000) }
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw PeerError(message: "\(script) did not start: \(stderr)")
        }
        self.port = port
        self.process = process
        self.directory = directory
    }

    package struct PeerError: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    /// Stops the peer by its PID and waits for it.
    package func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
    }
}
