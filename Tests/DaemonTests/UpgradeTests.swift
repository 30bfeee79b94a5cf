import CaseWatchTesting
import Curl
import Foundation
import Testing

/// An operator of the release before upgrades: the state, case files, subscriber files and e-mails that release
/// wrote (`Tests/Fixtures/release-1`, made by its `make-fixture.sh`) under today's binary.
@Suite("upgrading from the release before", .serialized)
struct UpgradeTests {
    static let fixture = RepositoryFiles.url("Tests/Fixtures/release-1")
    static let tokenSecret = "release-1-token-secret"

    let directory: TemporaryDirectory
    let smtp: SMTPServer
    let receiver: HTTPReceiver
    let port = FreePort.next()
    let casewatch: CommandRunner

    init() throws {
        directory = try TemporaryDirectory("casewatch-upgrade")
        // The operator's own folders as the release before left them: its templates lack every template and label
        // added since, which fall back to the shipped defaults.
        for folder in ["registry", "subscribers", "templates"] {
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(folder),
                                            to: directory.url.appendingPathComponent(folder))
        }
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("var"),
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("casewatch.sqlite"),
                                        to: directory.url.appendingPathComponent("var/casewatch.sqlite"))
        smtp = try SMTPServer()
        receiver = try HTTPReceiver()
        // The configuration of the release before, with its transports pointed at real peers.
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry:
              sources:
                - path: registry/
              initial_sync: silent
            templates: templates/
            subscribers: subscribers/
            email:
              transport: smtp
              url: smtp://127.0.0.1:\(smtp.port)
              tls: none
              from: "CaseWatch <alerts@example.org>"
            webhooks:
              transport: http
              timeout: 15s
            network:
              allow_private: [127.0.0.0/8]  # the peers listen on 127.0.0.1 (not part of the release before)
            delivery:
              concurrency: 2
              retry: [5s, 5m]
            schedule:
              interval: 1h
              reminders: [7d, 1d]
            http:
              listen: 127.0.0.1:\(port)
              base_url: https://alerts.example.org
              token_secret_env: CASEWATCH_TOKEN_SECRET

            """)
        let coe = try directory.read("subscribers/coe-commissioner.yaml")
        try directory.write("subscribers/coe-commissioner.yaml",
                            coe.replacingOccurrences(of: "https://hooks.example.org/casewatch", with: "\(receiver.url)/hook"))
        casewatch = CommandRunner(directory: directory.url, environment: [
            "CASEWATCH_TOKEN_SECRET": Self.tokenSecret, "COE_WEBHOOK_SECRET": "whsec_release1release1release1release1",
        ])
    }

    func eventIDs() throws -> [String] {
        try casewatch.run(["events", "--json"]).stdout.split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    /// The decoded `Subject:` of a message whose subject is written as RFC 2047 base64 words.
    static func subject(of message: String) -> String {
        let lines = message.components(separatedBy: "\r\n")
        guard var index = lines.firstIndex(where: { $0.hasPrefix("Subject: ") }) else { return "" }
        var folded = String(lines[index].dropFirst("Subject: ".count))
        while index + 1 < lines.count, lines[index + 1].hasPrefix(" ") {
            index += 1
            folded += lines[index]
        }
        return folded.split(separator: " ").map { word in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                  let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return String(word) }
            return String(decoding: data, as: UTF8.self)
        }.joined()
    }

    @Test("a store of the release before: its events kept, nothing announced by the upgrade, the queued e-mail sent as composed, the opt-out kept, an old link still unsubscribes")
    func upgrade() throws {
        let recorded = try String(contentsOf: Self.fixture.appendingPathComponent("event-ids.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(recorded.count == 3)

        // The first cycle of today's release over the old state and the old files.
        let first = try casewatch.run(["run", "--once"])
        #expect(first.status == 0, "\(first.output)")
        #expect(try eventIDs().sorted() == recorded.sorted(), "the upgrade itself announces nothing and keeps every id")

        // The e-mail the old release queued while its relay was down leaves byte for byte as it was composed.
        let messages = try smtp.messages()
        #expect(messages.count == 1)
        let composed = try Data(contentsOf: Self.fixture.appendingPathComponent("mail/queued-as-composed.eml"))
        #expect(messages.first.map { Data($0.data) } == composed)
        #expect(messages.first?.recipients == ["counsel@example.org"])
        #expect(try receiver.requests().isEmpty)
        let status = try casewatch.run(["status", "--json"]).stdout
        #expect(status.contains(#""unsubscribed":1"#), "\(status)")
        #expect(status.contains(#""dead_letters":0"#), "\(status)")

        // A step added to a version-1 case file, the way an operator of the release before writes it.
        let path = "registry/international-memorial-liquidation.yaml"
        let text = try directory.read(path).replacingOccurrences(of: "status: in_force\n", with: "status: cassation_filed\n")
        try directory.write(path, CaseFileEdit.appendingStep(
            #"{date: 2026-11-25, status: cassation_filed, note: "A cassation appeal is lodged."}"#, to: text))
        let second = try casewatch.run(["run", "--once"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("1 new event(s) recorded"), "\(second.stdout)")
        let after = try smtp.messages()
        #expect(after.count == 2)
        // The lawyer who follows the case gets it; the journalist who unsubscribed under the old release does not.
        #expect(after.last?.recipients == ["counsel@example.org"])
        #expect(!after.contains { $0.recipients.contains("anna.smirnova@example.org") })
        // Rendered by the operator's own template of the release before, which still works.
        #expect(Self.subject(of: after.last?.text ?? "") == "International Memorial: liquidation suit — cassation appeal lodged")
        // What that folder lacks comes from the shipped defaults, and check says so without failing.
        let check = try casewatch.run(["check"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.stderr.contains("the shipped default is used"), "\(check.stderr)")

        // The unsubscribe link of an e-mail the old release sent still works.
        let old = try String(contentsOf: Self.fixture.appendingPathComponent(
            "mail/evt_xyjedcjw23hwypyvtphvzclmya.memorial-lawyer_example.org.eml"), encoding: .utf8)
        let link = try #require(old.split(separator: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") })
            .dropFirst("List-Unsubscribe: <".count).dropLast()
        let daemon = try casewatch.start(["serve"], stdout: directory.url.appendingPathComponent("serve.out"),
                                         stderr: directory.url.appendingPathComponent("serve.log"))
        defer {
            if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM) }
            daemon.waitUntilExit()
        }
        let base = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(20)
        while (try? EasyHandle().perform(HTTPRequest(method: .get, url: base + "/healthz", timeout: 2)))?.status != 200,
              Date() < deadline, daemon.isRunning
        {
            usleep(50_000)
        }
        let url = base + link.dropFirst("https://alerts.example.org".count)
        #expect(try EasyHandle().perform(HTTPRequest(method: .post, url: url, timeout: 5)).status == 200)
        #expect(try casewatch.run(["status", "--json"]).stdout.contains(#""unsubscribed":2"#))
    }
}
