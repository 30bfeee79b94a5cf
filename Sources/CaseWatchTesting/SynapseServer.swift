import Foundation

/// A real Matrix homeserver (Synapse, `Tests/Peers/synapse_peer.py`) on 127.0.0.1, with two users registered by
/// shared secret: the bot CaseWatch posts as, and a reader who reads the rooms back.
///
/// Synapse takes seconds to start, so the tests share one (`shared`), started on first use and stopped by its PID
/// when the test process ends (the peer watches its parent, and its lifetime is the last safety net). Synapse runs
/// in the virtual environment `scripts/install-deps.sh --tests` makes (`$CASEWATCH_SYNAPSE_VENV`, by default
/// `.venv-synapse/` in the repository, which git ignores).
package final class SynapseServer: @unchecked Sendable {
    package struct User: Sendable {
        package let userID: String
        package let accessToken: String
    }

    package let process: Process
    package let directory: TemporaryDirectory
    package let port: Int
    package let bot: User
    package let reader: User
    private let stateFile: URL

    /// The virtual environment's Python, where Synapse is installed.
    package static var python: URL {
        let environment = ProcessInfo.processInfo.environment
        let venv = environment["CASEWATCH_SYNAPSE_VENV"].flatMap { $0.isEmpty ? nil : $0 }
            ?? RepositoryFiles.url(".venv-synapse").path
        return URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
    }

    package static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    /// One homeserver for the whole test process, started on first use.
    package static let shared: Result<SynapseServer, PeerProcess.PeerError> = {
        do {
            return .success(try SynapseServer())
        } catch let error as PeerProcess.PeerError {
            return .failure(error)
        } catch {
            return .failure(PeerProcess.PeerError(message: "\(error)"))
        }
    }()

    /// Starts the homeserver and waits (at most `timeout` seconds) until its users are registered.
    package init(timeout: TimeInterval = 300) throws {
        guard Self.isInstalled else {
            throw PeerProcess.PeerError(message: "Synapse is not installed at \(Self.python.path): "
                                        + "run scripts/install-deps.sh --tests")
        }
        let directory = try TemporaryDirectory("casewatch-synapse")
        let portFile = directory.url.appendingPathComponent("port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            RepositoryFiles.url("Tests/Peers/synapse_peer.py").path, "--port-file", portFile.path,
            "--dir", directory.url.appendingPathComponent("homeserver").path, "--synapse-python", Self.python.path,
            "--start-timeout", String(Int(timeout)), "--stop-with-parent", "--lifetime", "7200",
        ]
        let log = directory.url.appendingPathComponent("synapse_peer.stderr")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout + 10)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if port == nil { usleep(100_000) }
        }
        guard let port else {
            Self.stop(process)
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw PeerProcess.PeerError(message: "synapse_peer.py did not start: \(stderr)")
        }
        stateFile = directory.url.appendingPathComponent("homeserver/state.json")
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Any] ?? [:]
        func user(_ key: String) -> User {
            let object = state[key] as? [String: Any] ?? [:]
            return User(userID: object["user_id"] as? String ?? "",
                        accessToken: object["access_token"] as? String ?? "")
        }
        self.process = process
        self.directory = directory
        self.port = port
        bot = user("bot")
        reader = user("reader")
    }

    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A new room the bot made, the reader in it; both may kick.
    package func newRoom() throws -> String {
        let answer = try client(["new-room"])
        guard let object = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
              let room = object["room_id"] as? String
        else { throw PeerProcess.PeerError(message: "new-room answered \(answer)") }
        return room
    }

    /// The room's `m.room.message` events as the reader reads them, oldest first.
    package func messages(in room: String) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(try client(["messages", room]).utf8)) as? [[String: Any]] ?? []
    }

    /// The reader kicks the bot out of `room`.
    package func kickBot(from room: String) throws {
        _ = try client(["kick", room])
    }

    /// Runs `synapse_client.py` (bounded: 60 s) and returns what it printed.
    private func client(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [RepositoryFiles.url("Tests/Peers/synapse_client.py").path, stateFile.path] + arguments
        let output = directory.url.appendingPathComponent("client-\(UUID().uuidString.prefix(6))")
        let errors = directory.url.appendingPathComponent("client-errors")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { Self.stop(process) }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerProcess.PeerError(message: "synapse_client.py \(arguments.joined(separator: " ")): "
                                        + ((try? String(contentsOf: errors, encoding: .utf8)) ?? ""))
        }
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// Stops a process by its PID: SIGTERM, then SIGKILL if it has not exited within 15 s (the peer gives the
    /// homeserver 10 s).
    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    package func stop() { Self.stop(process) }

    deinit {
        Self.stop(process)
    }
}
