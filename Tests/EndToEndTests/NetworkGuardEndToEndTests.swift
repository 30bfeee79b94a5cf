import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchTesting
import Curl
import Foundation
import Testing

/// The network guard with the real binary and real peers on 127.0.0.1: allowed by `network.allow_private`, a
/// webhook and a feed work; not allowed, numeric disguises of 127.0.0.1 and a name that resolves to it are refused
/// when libcurl is about to connect, and the refusal is final, with its reason.
@Suite("The network guard, end to end", .serialized)
struct NetworkGuardEndToEndTests {
    static let disguises = ["2130706433", "0x7f.1", "127.1", "localhost"]

    static func port(of receiver: HTTPReceiver) -> String {
        String(receiver.url.split(separator: ":").last!)
    }

    @Test("with 127.0.0.0/8 allowed, a webhook to 127.0.0.1 over http:// is delivered")
    func allowedWebhook() throws {
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: nil, allowPrivate: "[127.0.0.0/8]")
        try workspace.addWebhookSubscriber("coe", url: "http://127.1:\(Self.port(of: receiver))/hook")
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.stdout.contains("sent 1, retrying 0, dead 0"), "\(run.stdout)\(run.stderr)")
        #expect(try receiver.requests().count == 1)
        let check = try workspace.run(["check"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test("not allowed: disguises of 127.0.0.1 are refused at connect time, dead at once with the reason")
    func refusedWebhooks() throws {
        let receiver = try HTTPReceiver()
        let port = Self.port(of: receiver)
        let workspace = try DeliveryWorkspace(smtp: nil, allowPrivate: "[]")
        for (index, host) in Self.disguises.enumerated() {
            try workspace.addWebhookSubscriber("hook-\(index)", url: "http://\(host):\(port)/hook")
        }
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 0, retrying 0, dead \(Self.disguises.count)"), "\(run.stdout)\(run.stderr)")
        #expect(try receiver.requests().isEmpty)

        let entries = try workspace.outbox()
        #expect(entries.count == Self.disguises.count)
        for entry in entries {
            let error = entry["last_error"] as? String ?? ""
            #expect(entry["state"] as? String == "dead" && entry["attempts"] as? Int == 1, "\(entry)")
            #expect(error.hasPrefix("refused by the network guard: ") && error.contains("is loopback")
                    && error.hasSuffix("(network.allow_private does not allow it)"), "\(error)")
        }
        let numeric = entries.compactMap { $0["last_error"] as? String }.filter { $0.contains("2130706433") }
        #expect(numeric == ["refused by the network guard: 2130706433 (127.0.0.1) is loopback "
                            + "(network.allow_private does not allow it)"])

        // Not retried: another cycle sends nothing.
        let again = try workspace.run()
        #expect(again.stdout.contains("sent 0, retrying 0, dead 0"), "\(again.stdout)")
        #expect(try receiver.requests().isEmpty)
        #expect(try workspace.outbox().allSatisfy { $0["attempts"] as? Int == 1 })

        // `check` judges the same URLs before any request, naming file, line and field.
        let check = try workspace.run(["check"])
        #expect(check.status == 65)
        #expect(check.stderr.contains("hook-0.yaml:5: webhook.url: \"http://2130706433:\(port)/hook\": the network "
                                      + "guard would refuse it: 2130706433 (127.0.0.1) is loopback"), "\(check.stderr)")
        for index in Self.disguises.indices {
            #expect(check.stderr.contains("hook-\(index).yaml:5: webhook.url:"), "\(check.stderr)")
        }
    }

    @Test("check refuses a literal private address, and https:// to loopback, not in allow_private")
    func checkLiterals() throws {
        let workspace = try DeliveryWorkspace(smtp: nil, allowPrivate: "[10.0.0.0/8]")
        try workspace.addWebhookSubscriber("inside", url: "http://10.0.0.5/hook")
        try workspace.addWebhookSubscriber("private", url: "http://192.168.1.10/hook")
        try workspace.addWebhookSubscriber("loopback", url: "https://127.0.0.1/hook")
        try workspace.addWebhookSubscriber("plain", url: "http://hooks.example.org/hook")
        try workspace.addWebhookSubscriber("public", url: "https://hooks.example.org/hook")
        let check = try workspace.run(["check"])
        #expect(check.status == 65, "\(check.stderr)")
        #expect(check.stderr.contains("private.yaml:5: webhook.url: \"http://192.168.1.10/hook\": the network guard "
                                      + "would refuse it: 192.168.1.10 is private"), "\(check.stderr)")
        #expect(check.stderr.contains("loopback.yaml:5: webhook.url: \"https://127.0.0.1/hook\": the network guard "
                                      + "would refuse it: 127.0.0.1 is loopback"), "\(check.stderr)")
        #expect(check.stderr.contains("plain.yaml:5: webhook.url: \"http://hooks.example.org/hook\": the network "
                                      + "guard would refuse it: http:// to hooks.example.org"), "\(check.stderr)")
        #expect(!check.stderr.contains("inside.yaml") && !check.stderr.contains("public.yaml"), "\(check.stderr)")
    }

    @Test("a bad CIDR in network.allow_private is an error naming the field")
    func badCIDR() throws {
        let workspace = try DeliveryWorkspace(smtp: nil, allowPrivate: "[127.0.0.0/8, 10.0.0.1/8, fd00::/129]")
        let check = try workspace.run(["check"])
        #expect(check.status == 65)
        #expect(check.stderr.contains(#"network.allow_private[1]: "10.0.0.1/8" has bits set after its prefix "#
                                      + "(did you mean 10.0.0.0/8?)"), "\(check.stderr)")
        #expect(check.stderr.contains(#"network.allow_private[2]: "fd00::/129" has no valid prefix length"#),
                "\(check.stderr)")
    }

    func feedWorkspace(url: (HTTPReceiver) -> String, allowPrivate: String?) throws
        -> (TemporaryDirectory, HTTPReceiver, CommandRunner)
    {
        let directory = try TemporaryDirectory("casewatch-guard-feed")
        try RepositoryFiles.copy(["templates"], into: directory)
        let feed = try directory.write("feed.json", "[" + FeedTests.caseJSON("org-a", status: "designated") + "]")
        try directory.write("subscribers/desk.yaml", "id: desk\nname: Desk\nemail: desk@example.org\n")
        let receiver = try HTTPReceiver(extra: ["--feed", feed.path, "--etag", "auto"])
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{url: "\(url(receiver))"}]}
            email: {transport: file, directory: var/mail}
            \(allowPrivate.map { "network: {allow_private: \($0)}" } ?? "")

            """)
        return (directory, receiver, CommandRunner(directory: directory.url))
    }

    @Test("a feed: read when 127.0.0.0/8 is allowed; from http://127.1 otherwise a failing source with the reason")
    func feed() throws {
        let (allowedFolder, allowedReceiver, allowed) = try feedWorkspace(url: { "http://127.1:\(Self.port(of: $0))/feed" },
                                                              allowPrivate: "[127.0.0.0/8]")
        let read = try allowed.run(["run", "--once"])
        #expect(read.status == 0 && read.stdout.hasPrefix("1 case(s) in the registry"), "\(read.stdout)\(read.stderr)")
        #expect(try allowedReceiver.requests().count == 1)
        _ = allowedFolder  // the folder lives until here

        let (folder, receiver, casewatch) = try feedWorkspace(url: { "http://127.1:\(Self.port(of: $0))/feed" },
                                                         allowPrivate: nil)
        let run = try casewatch.run(["run", "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("feed failed"), "\(run.stderr)")
        #expect(run.stderr.contains("refused by the network guard: 127.1 (127.0.0.1) is loopback "
                                    + "(network.allow_private does not allow it)"), "\(run.stderr)")
        #expect(try receiver.requests().isEmpty)
        let status = try casewatch.run(["status", "--json"]).stdout
        #expect(status.contains("refused by the network guard"), "\(status)")
        let check = try casewatch.run(["check"])
        #expect(check.status == 65)
        #expect(check.stderr.contains(":2: registry.sources[0].url: \"http://127.1:\(Self.port(of: receiver))/feed\": "
                                      + "the network guard would refuse it: 127.1 (127.0.0.1) is loopback"),
                "\(check.stderr)")
        _ = folder
    }

    @Test("Matrix and Telegram: a server the guard refuses is a permanent outcome with the reason")
    func chatTransports() throws {
        let receiver = try HTTPReceiver()
        let port = Self.port(of: receiver)
        func job(_ channel: ChannelID, recipient: String) -> DeliveryJob {
            DeliveryJob(outboxID: 1, draft: OutboxDraft(
                eventID: "evt_guard", subscriberID: "desk", channel: channel, recipient: recipient,
                messageID: ChatMessageID.make(eventID: "evt_guard-\(UUID())", subscriberID: "desk", channel: channel),
                payload: Array(#"{"msgtype":"m.notice","body":"x"}"#.utf8), secretEnv: "TOKEN"), attempts: 0)
        }
        let environment: ProcessEnvironment = ["TOKEN": ChatWorkspace.telegramToken]
        let matrix = MatrixChannel(delivery: .http(timeout: 5, network: NetworkGuard()), environment: environment)
        let sent = matrix.makeTransport().send(
            job(.matrix, recipient: "http://0x7f.1:\(port)/_matrix/client/v3/rooms/%21abc%3Aexample.org"), at: Date())
        #expect(sent.outcome == .permanent(reason: "refused by the network guard: 0x7f.1 (127.0.0.1) is loopback "
                                           + "(network.allow_private does not allow it)"), "\(sent.outcome)")
        let telegram = TelegramChannel(delivery: .http(apiURL: "http://2130706433:\(port)", timeout: 5,
                                                       network: NetworkGuard()), environment: environment)
        let posted = telegram.makeTransport().send(job(.telegram, recipient: "-1001234567890"), at: Date())
        #expect(posted.outcome == .permanent(reason: "refused by the network guard: 2130706433 (127.0.0.1) is loopback "
                                             + "(network.allow_private does not allow it)"), "\(posted.outcome)")
        #expect(try receiver.requests().isEmpty)
    }
}
