import CaseWatchTesting
import Foundation
import Testing

/// The operator's console in a real browser: Debian's Chromium, driven by Selenium (`Tests/Peers/console_browser.py`)
/// against the real `casewatch serve`, then the store checked for what the clicks did.
@Suite("The console in a browser", .serialized)
struct ConsoleBrowserTests {
    static let token = "console-browser-token-9d2f6a41c3"
    static let caseID = "moscow-helsinki-group-liquidation"
    /// Another case, so that the silence cannot hold back the replay the daemon is about to send.
    static let silencedCaseID = "sova-center-liquidation"

    /// What the test needs on the machine; the failure names the script that installs it.
    static func missingTools() -> [String] {
        let python = RepositoryFiles.url(".venv-browser/bin/python").path
        var missing = ["/usr/bin/chromium", "/usr/bin/chromedriver", python]
            .filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if missing.isEmpty {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: python)
            check.arguments = ["-c", "import selenium"]
            check.standardError = FileHandle.nullDevice
            if (try? check.run()) == nil { missing.append("selenium in .venv-browser") } else {
                check.waitUntilExit()
                if check.terminationStatus != 0 { missing.append("selenium in .venv-browser") }
            }
        }
        return missing
    }

    @Test("sign in, search a case, find its deliveries, replay a dead letter, add a silence, sign out")
    func operatorErrand() throws {
        let missing = Self.missingTools()
        guard missing.isEmpty else {
            Issue.record("the browser test needs \(missing.joined(separator: ", ")): run scripts/install-deps.sh --tests")
            return
        }
        // A dead letter: the receiver refuses the first two requests; with one retry that is the end of the schedule.
        // Later requests (the replay) are accepted.
        let receiver = try HTTPReceiver(script: ["500", "500"], defaultStatus: 204)
        defer { receiver.peer.stop() }
        let port = FreePort.next()
        let workspace = try DeliveryWorkspace(smtp: nil, retry: "[100ms]", extra: "schedule:\n  interval: 1s\n")
        let configuration = try workspace.directory.read("casewatch.yml")
        try workspace.directory.write("casewatch.yml", configuration.replacingOccurrences(
            of: "http:\n", with: "http:\n  listen: 127.0.0.1:\(port)\n"))
        try workspace.addWebhookSubscriber("coe", url: receiver.url + "/hook")
        try workspace.run()  // the silent first sync
        try workspace.moveCase(Self.caseID)
        var dead: [[String: Any]] = []
        for _ in 0..<10 where dead.isEmpty {  // bounded: the retry comes due 100 ms after the first refusal
            try workspace.run()
            dead = try workspace.outbox().filter { $0["state"] as? String == "dead" }
            if dead.isEmpty { usleep(200_000) }
        }
        let outbox = try workspace.outbox()
        let eventID = try #require(dead.first?["event_id"] as? String, "no dead letter: \(outbox)")

        var serveRunner = workspace.casewatch
        serveRunner.environment["CASEWATCH_CONSOLE_TOKEN"] = Self.token
        let logs = workspace.directory.url.appendingPathComponent("serve.log")
        let serve = try serveRunner.start(["serve"], stdout: workspace.directory.url.appendingPathComponent("serve.out"),
                                          stderr: logs)
        defer { Self.stop(serve) }
        let base = "http://127.0.0.1:\(port)"
        var deadline = Date().addingTimeInterval(20)
        while !Self.listening(port), serve.isRunning, Date() < deadline { usleep(50_000) }
        try #require(Self.listening(port), "serve did not listen: \((try? String(contentsOf: logs, encoding: .utf8)) ?? "")")

        let screenshots = RepositoryFiles.url("test-artifacts/console")
        let browser = Process()
        browser.executableURL = RepositoryFiles.url(".venv-browser/bin/python")
        browser.arguments = [
            RepositoryFiles.url("Tests/Peers/console_browser.py").path, "--base-url", base,
            "--token-env", "CASEWATCH_CONSOLE_TOKEN", "--query", "Helsinki", "--case", Self.caseID,
            "--dead-event", eventID, "--silence-case", Self.silencedCaseID, "--screenshots", screenshots.path,
        ]
        // The token reaches the script through its environment, never its command line.
        browser.environment = ProcessInfo.processInfo.environment.merging(["CASEWATCH_CONSOLE_TOKEN": Self.token]) { $1 }
        let browserLog = workspace.directory.url.appendingPathComponent("browser.log")
        FileManager.default.createFile(atPath: browserLog.path, contents: nil)
        browser.standardError = try FileHandle(forWritingTo: browserLog)
        browser.standardOutput = try FileHandle(forWritingTo: browserLog)
        try browser.run()
        defer { Self.stop(browser) }
        deadline = Date().addingTimeInterval(240)
        while browser.isRunning, Date() < deadline { usleep(100_000) }
        Self.stop(browser)
        let said = (try? String(contentsOf: browserLog, encoding: .utf8)) ?? ""
        #expect(browser.terminationStatus == 0, "console_browser.py: \(said)")
        for name in ["01-sign-in", "03-case-timeline", "05-replayed", "06-silence-added"] {
            #expect(FileManager.default.fileExists(atPath: screenshots.appendingPathComponent("\(name).png").path), "\(name)")
        }

        // The store holds what the clicks did: the replay's delivery (sent by the daemon's next cycle), the silence.
        var replayed: [[String: Any]] = []
        deadline = Date().addingTimeInterval(20)
        repeat {
            replayed = try workspace.outbox().filter { $0["event_id"] as? String == eventID && $0["generation"] as? Int == 1 }
            if replayed.first?["state"] as? String == "delivered" { break }
            usleep(200_000)
        } while Date() < deadline
        #expect(replayed.count == 1 && replayed.first?["state"] as? String == "delivered", "\(replayed)")
        #expect(try receiver.requests().map(\.status) == [500, 500, 204])
        let silences = try workspace.run(["silence", "list"]).stdout
        #expect(silences.contains("active case \(Self.silencedCaseID)") && silences.contains("waiting for the court's notice"),
                "\(silences)")
        let log = (try? String(contentsOf: logs, encoding: .utf8)) ?? ""
        #expect(!log.contains(Self.token) && !said.contains(Self.token), "the console token was written out")
    }

    /// Whether the daemon accepts connections on `port` yet.
    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Stops a process this test started, by its PID: SIGTERM, then SIGKILL after 10 s.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
