import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation
import Testing

/// Files written to hurt: each is refused quickly with a short, clear message, and nothing is recorded.
@Suite("Hostile input files")
struct HostileInputTests {
    /// 9 levels of 9 aliases: about 387 million nodes once expanded, from a few hundred bytes.
    static let aliasBomb: String = {
        var lines = [#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    let workspace: TemporaryDirectory
    let casewatch: CommandRunner

    init() throws {
        workspace = try TemporaryDirectory("casewatch-hostile")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: workspace)
        casewatch = CommandRunner(directory: workspace.url,
                                  environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }

    /// A bomb in a case file or the configuration stops the run (exit 65, nothing recorded); in a subscriber's file it
    /// stops `check`, while `run` skips that subscriber, says why, and goes on for everyone else (SPEC,
    /// "Compatibility").
    @Test("a YAML alias bomb as a case, a subscriber or the configuration: refused at once, named, nothing expanded",
          arguments: ["registry/bomb.yaml", "subscribers/bomb.yaml", "casewatch.yml"])
    func aliasBomb(file: String) throws {
        #expect(Self.aliasBomb.utf8.count < 500)
        try workspace.write(file, Self.aliasBomb + (file == "casewatch.yml" ? "state: var/casewatch.sqlite\n" : "id: bomb\n"))
        let subscriber = file.hasPrefix("subscribers/")
        for command in [["check"], ["run", "--once"]] {
            let started = Date()
            let result = try casewatch.run(command, timeout: 20)
            let expected: Int32 = subscriber && command == ["run", "--once"] ? 0 : 65
            #expect(result.status == expected, "\(command): \(result.stderr.prefix(500))")
            #expect(Date().timeIntervalSince(started) < 10)
            #expect(result.stderr.contains("\(file):"))
            #expect(result.stderr.contains("aliases expand to more than"))
            #expect(result.stderr.utf8.count < 4_000)
        }
        if file == "casewatch.yml" {
            #expect(!FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent("var/casewatch.sqlite").path))
        } else if subscriber {
            // The run went on without the bomb's subscriber: the registry is recorded.
            let status = try casewatch.run(["status", "--json"])
            #expect(status.stdout.contains(#""registry_size":29"#), "\(status.output)")
        } else {
            let status = try casewatch.run(["status", "--json"])
            #expect(status.stdout.contains(#""registry_size":0"#) && !status.stdout.contains("last_cycle"), "\(status.output)")
        }
    }

    @Test("a duplicate key names the key and its line, and does not echo the file")
    func duplicateKey() throws {
        let filler = String(repeating: "# padding that must not be echoed back\n", count: 5_000)
        try workspace.write("registry/dup.yaml", "id: dup-case\n" + filler + "id: again\n")
        let result = try casewatch.run(["check"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("registry/dup.yaml"))
        #expect(result.stderr.contains("duplicate key \"id\""))
        #expect(!result.stderr.contains("padding that must not be echoed"))
        #expect(result.stderr.utf8.count < 4_000)
    }

    @Test("a duplicate key in a 5 MB case or subscriber file: one short line, for check and for run",
          arguments: ["registry/dup.yaml", "subscribers/dup.yaml"])
    func duplicateKeyInLargeFile(file: String) throws {
        // 5 MB of real-looking content around the repeated key, none of which may come back.
        let filler = (0..<50_000).map { "k\($0): \"value that must not be echoed back \($0)\"" }.joined(separator: "\n")
        let text = "id: dup\nname: Someone\n" + filler + "\nid: again\n"
        #expect(text.utf8.count > 2_500_000)
        try workspace.write(file, text + String(repeating: "# padding that must not be echoed back\n",
                                                 count: max(0, 5_000_000 - text.utf8.count) / 40))
        for command in [["check"], ["run", "--once"]] {
            let result = try casewatch.run(command, timeout: 60)
            #expect(result.stderr.contains("\(file):"), "\(command): \(result.stderr.prefix(500))")
            #expect(result.stderr.contains("duplicate key \"id\""), "\(command): \(result.stderr.prefix(500))")
            #expect(!result.output.contains("must not be echoed back"))
            #expect(result.stderr.utf8.count < 4_000, "\(command): \(result.stderr.utf8.count) bytes of stderr")
        }
    }

    @Test("a number or a boolean as a case or subscriber id: refused, with file, line and field",
          arguments: [("registry/number.yaml", "id: 1e999\n", "1e999 is a number"),
                      ("registry/number.json", "[{\"id\": 1e999, \"type\": \"criminal\"}]", "1e999 is a number"),
                      ("registry/boolean.yaml", "- id: true\n  type: criminal\n", "true is a boolean"),
                      ("subscribers/number.yaml", "name: Reader\nemail: r@example.org\nid: 12345\n", "12345 is a number")])
    func typedID(file: String, text: String, message: String) throws {
        try workspace.write(file, text)
        let result = try casewatch.run(["check"])
        #expect(result.status == 65, "\(result.output)")
        let line = text.hasPrefix("name:") ? 3 : 1
        #expect(result.stderr.contains("\(file):\(line): id: \(message), not an id"), "\(result.stderr)")
        let run = try casewatch.run(["run", "--once"])
        #expect(run.stderr.contains("\(message), not an id"), "\(run.output)")
        if file.hasPrefix("registry/") {
            #expect(run.status == 65)
            let status = try casewatch.run(["status", "--json"])
            #expect(status.stdout.contains(#""registry_size":0"#), "\(status.output)")
        }
    }

    /// Sends `request` to 127.0.0.1:`port` on a socket and returns the response's status line.
    static func statusLine(port: Int, _ request: [UInt8]) throws -> String {
        let response = try RawHTTP.exchange(port: port, request) { $0.contains(UInt8(ascii: "\n")) }
        return String(decoding: response, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
    }

    @Test("a request body over the daemon's limit gets 413, declared or streamed; a small one is still served")
    func requestBodyLimit() throws {
        let port = FreePort.next()
        try workspace.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            authorities: authorities/
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            http: {listen: "127.0.0.1:\(port)", base_url: "https://alerts.example.org", token_secret_env: TS}

            """)
        var runner = casewatch
        runner.environment["TS"] = "hostile-test-token"
        let process = try runner.start(["serve"], stdout: workspace.url.appendingPathComponent("serve.out"),
                                       stderr: workspace.url.appendingPathComponent("serve.log"))
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        let get = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        let deadline = Date().addingTimeInterval(30)
        while (try? Self.statusLine(port: port, get)) != "HTTP/1.1 200 OK", process.isRunning, Date() < deadline {
            usleep(50_000)
        }
        #expect(try Self.statusLine(port: port, get) == "HTTP/1.1 200 OK")
        func post(_ path: String, headers: String, body: [UInt8]) throws -> String {
            try Self.statusLine(port: port, Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                .utf8) + Array(headers.utf8) + Array("\r\n".utf8) + body)
        }
        for path in ["/unsubscribe?token=x", "/preferences?token=x"] {
            // Declared too large: refused before any of it is read.
            #expect(try post(path, headers: "Content-Length: 10000000000\r\n", body: []).hasPrefix("HTTP/1.1 413 "))
            // Sent in a chunk without a length: refused once it passes the limit (the rest of the body is never sent,
            // so the answer is not lost to a reset of a connection closed with bytes unread).
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 70_000)
            let chunked = Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
            #expect(try post(path, headers: "Transfer-Encoding: chunked\r\n", body: chunked).hasPrefix("HTTP/1.1 413 "))
            // A form of an ordinary size goes through to the page (a forged token: 403).
            let form = Array("List-Unsubscribe=One-Click".utf8)
            #expect(try post(path, headers: "Content-Length: \(form.count)\r\nContent-Type: application/x-www-form-urlencoded\r\n",
                             body: form) == "HTTP/1.1 403 Forbidden")
        }
        #expect(process.isRunning)
    }

    @Test("subscribers show --json gives the webhook's public signing key, as the plain output does, never the private one")
    func signingKeyInJSON() throws {
        let seed = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let signingKey = "whsk_" + seed.base64EncodedString()
        try workspace.write("subscribers/coe-commissioner.yaml", """
            id: coe-commissioner
            name: Office of the Commissioner for Human Rights
            language: fr
            webhook:
              url: https://hooks.example.org/casewatch
              secret_env: COE_WEBHOOK_SECRET
              signing_key_env: COE_SIGNING_KEY

            """)
        var runner = casewatch
        runner.environment["COE_SIGNING_KEY"] = signingKey
        let plain = try runner.run(["subscribers", "show", "coe-commissioner"])
        let json = try runner.run(["subscribers", "show", "coe-commissioner", "--json"])
        #expect(plain.status == 0 && json.status == 0, "\(plain.output)\(json.output)")
        let publicKey = try #require(WebhookSigningKey(signingKey)?.publicKeyText)
        #expect(publicKey.hasPrefix("whpk_"))
        #expect(plain.stdout.contains(publicKey))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["webhook_signing_key"] as? String == publicKey)
        #expect(object["id"] as? String == "coe-commissioner")
        for output in [plain.output, json.output] {
            #expect(!output.contains(seed.base64EncodedString()) && !output.contains("whsk_"))
        }
        // Without a signing key there is no such field.
        let other = try runner.run(["subscribers", "show", "ru-journalist", "--json"])
        #expect(other.status == 0 && !other.stdout.contains("webhook_signing_key"), "\(other.output)")
    }
}
