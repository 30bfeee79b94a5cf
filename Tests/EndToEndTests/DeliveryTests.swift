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

/// `run --once` delivering to a real SMTP server (aiosmtpd, STARTTLS + AUTH) and a real webhook
/// receiver, both on 127.0.0.1.
@Suite("Delivery to real peers", .serialized)
struct DeliveryTests {
    @Test("an alert reaches both peers byte-correct, signed, once")
    func reachesBoth() throws {
        let smtp = try SMTPServer(auth: "alerts:\(DeliveryWorkspace.smtpPassword)", tls: true)
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org", language: "ru")
        try workspace.addWebhookSubscriber("coe", url: receiver.url + "/casewatch")
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 2, retrying 0, dead 0"))

        let message = try #require(try smtp.messages().first)
        #expect(try smtp.messages().count == 1)
        #expect(message.tls && message.authUser == "alerts")
        #expect(message.mailFrom == "alerts@casewatch.example.org" && message.recipients == ["lawyer@example.org"])
        #expect(message.text.contains("\r\nSubject: =?UTF-8?"))
        #expect(message.text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        #expect(message.text.contains("In-Reply-To: <case.moscow-helsinki-group-liquidation@casewatch.example.org>"))
        #expect(!message.data.indices.contains { message.data[$0] == 0x0A && ($0 == 0 || message.data[$0 - 1] != 0x0D) })

        let request = try #require(try receiver.requests().first)
        #expect(request.path == "/casewatch" && request.headers["content-type"] == "application/json")
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap(Int.init))
        let expected = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(request.body.utf8),
                                             secret: WebhookSecret(DeliveryWorkspace.webhookSecret)!)
        #expect(request.headers["webhook-signature"] == "v1,\(expected)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(body["type"] as? String == "case.status_changed")
        #expect((body["change"] as? [String: Any])?["to"] as? String == "cassation_filed")
        #expect(body["subscriber"] as? String == "coe" && body["language"] as? String == "fr")

        let again = try workspace.run()
        #expect(again.stdout.contains("0 delivery(ies) queued; sent 0"))
        #expect(try smtp.messages().count == 1 && receiver.requests().count == 1)
        for output in [run.output, again.output, try workspace.run(["outbox", "list", "--json"]).output,
                       try workspace.run(["status", "--json"]).output] {
            for secret in DeliveryWorkspace.secretMaterial { #expect(!output.contains(secret)) }
        }
    }

    @Test("outbox replay sends an event again to everyone it routes to, with new ids, once")
    func replay() throws {
        let smtp = try SMTPServer(auth: "alerts:\(DeliveryWorkspace.smtpPassword)", tls: true)
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org", language: "ru")
        try workspace.addEmailSubscriber("observer", address: "observer@example.org", language: "en")
        try workspace.addWebhookSubscriber("coe", url: receiver.url + "/casewatch")
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 3, retrying 0, dead 0"))
        let eventID = try #require(try workspace.outbox().first?["event_id"] as? String)

        let replay = try workspace.run(["outbox", "replay", eventID])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("3 delivery(ies) of \(eventID) queued (replay 1)"))
        let listed = try workspace.run(["outbox", "replay", eventID, "--json"]).stdout.split(separator: "\n")
        #expect(listed.count == 3 && listed.allSatisfy { $0.contains(#""generation":2"#) })
        #expect(try workspace.run().stdout.contains("sent 6, retrying 0, dead 0"))

        // Each reader has the alert three times, each time under its own Message-ID / webhook-id.
        let messageIDs = try smtp.messages().compactMap { message in
            message.text.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }
        }
        #expect(messageIDs.count == 6 && Set(messageIDs).count == 6)
        #expect(messageIDs.filter { $0.contains(".r1@") }.count == 2 && messageIDs.filter { $0.contains(".r2@") }.count == 2)
        let webhookIDs = try receiver.requests().compactMap { $0.headers["webhook-id"] }
        #expect(webhookIDs.count == 3 && Set(webhookIDs).count == 3)
        #expect(try workspace.run().stdout.contains("sent 0"))
    }

    @Test("a receiver that is down, then up, gets the alert")
    func downThenUp() throws {
        let first = try HTTPReceiver()
        let port = first.peer.port
        first.stop()
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addWebhookSubscriber("coe", url: "http://127.0.0.1:\(port)/hook")
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 0, retrying 1, dead 0"))
        let receiver = try HTTPReceiver(port: port)
        usleep(200_000)
        #expect(try workspace.run().stdout.contains("sent 1, retrying 0, dead 0"))
        #expect(try receiver.requests().count == 1)
    }

    @Test("500 three times, then 200: four attempts, one webhook-id, fresh timestamps")
    func serverErrors() throws {
        let receiver = try HTTPReceiver(script: ["500", "500", "500", "200"])
        let workspace = try DeliveryWorkspace(smtp: nil, retry: "[1s, 1s, 1s, 1s]")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        for _ in 0..<4 {
            try workspace.run()
            usleep(1_300_000)
        }
        let requests = try receiver.requests()
        #expect(requests.map(\.status) == [500, 500, 500, 200])
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1)
        #expect(Set(requests.compactMap { $0.headers["webhook-timestamp"] }).count == 4)
        let entry = try #require(try workspace.outbox().first)
        #expect(entry["state"] as? String == "delivered" && entry["attempts"] as? Int == 4)
    }

    @Test("410 Gone disables the webhook: no further attempts, status shows it, enable lifts it")
    func gone() throws {
        let receiver = try HTTPReceiver(script: ["410"])
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("dead 1"))
        try workspace.moveCase(to: "closed")
        #expect(try workspace.run().stdout.contains("0 delivery(ies) queued"))
        #expect(try receiver.requests().count == 1)
        let status = try workspace.run(["status"])
        #expect(status.stdout.contains("disabled webhook: coe"))
        #expect(try workspace.run(["outbox", "enable", "coe"]).stdout.contains("enabled"))
        #expect(try workspace.run(["status", "--json"]).stdout.contains(#""disabled_endpoints":[]"#))
    }

    @Test("a webhook failing for longer than disable_after is disabled: a log line, a metric, and an e-mail to the operator")
    func disabledAfterFailing() throws {
        let smtp = try SMTPServer()
        let receiver = try HTTPReceiver(script: ["500", "500", "500"])
        let workspace = try DeliveryWorkspace(smtp: smtp, retry: "[100ms, 100ms, 100ms, 100ms, 100ms]",
                                              disableAfter: "1s", extra: "operator: {email: ops@example.org}")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("retrying 1"))
        usleep(1_200_000)
        let second = try workspace.run()
        #expect(second.stderr.contains("endpoint disabled: it kept failing"), "\(second.stderr)")
        #expect(try receiver.requests().count == 1, "not tried again once disabled")
        let mail = try #require(try smtp.messages().first)
        #expect(mail.recipients == ["ops@example.org"])
        #expect(mail.text.contains("Subject: CaseWatch: webhook endpoint of coe disabled"), "\(mail.text.prefix(400))")
        let status = try workspace.run(["status", "--json"]).stdout
        #expect(status.contains(#""subscriber_id":"coe""#) && status.contains("longer than delivery.disable_after"),
                "\(status)")
        #expect(try workspace.run(["outbox", "enable", "coe"]).stdout.contains("webhook endpoint of coe enabled"))
    }

    @Test("SIGTERM to run --once (cron's timeout) lets the delivery in flight finish and be recorded, leaves the rest queued, exits 0; the next run sends the rest once")
    func terminatedRun() throws {
        let receiver = try HTTPReceiver(script: ["204 sleep=2", "204", "204"])
        let workspace = try DeliveryWorkspace(smtp: nil, concurrency: 1)
        for id in ["coe-a", "coe-b", "coe-c"] { try workspace.addWebhookSubscriber(id, url: receiver.url) }
        try workspace.run()
        try workspace.moveCase()
        let process = try workspace.casewatch.start(
            ["run", "--once"], stdout: workspace.directory.url.appendingPathComponent("run.out"),
            stderr: workspace.directory.url.appendingPathComponent("run.err"))
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(20)
        while try receiver.requests().isEmpty, process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(try receiver.requests().count == 1, "the first delivery is in flight, answered in 2 s")
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(!process.isRunning && process.terminationStatus == 0,
                "\((try? workspace.directory.read("run.err")) ?? "")")
        #expect(try receiver.requests().count == 1, "no new delivery started after the signal")
        let states = try workspace.outbox().compactMap { $0["state"] as? String }.sorted()
        #expect(states == ["delivered", "pending", "pending"], "\(states)")
        try workspace.run()
        #expect(try receiver.requests().count == 3)
        #expect(Set(try receiver.requests().compactMap { $0.headers["webhook-id"] }).count == 3, "each sent once")
        #expect(try workspace.outbox().allSatisfy { $0["state"] as? String == "delivered" })
    }

    @Test("503 with Retry-After waits as asked without using up a short retry schedule, and is delivered")
    func retryAfterKeepsTheDeliveryAlive() throws {
        // A schedule of two waits (6 s in all); three answers asking for 1 s each, then 204. Counted against the
        // schedule, the third 503 would have been the end of the delivery.
        let receiver = try HTTPReceiver(script: ["503 retry-after=1", "503 retry-after=1", "503 retry-after=1", "204"])
        let workspace = try DeliveryWorkspace(smtp: nil, retry: "[3s, 3s]")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        // Four runs a little over a second apart are enough; a loaded machine may need a few more (bounded).
        for _ in 0..<8 where try !receiver.requests().contains(where: { $0.status == 204 }) {
            try workspace.run()
            usleep(1_150_000)
        }
        #expect(try receiver.requests().map(\.status) == [503, 503, 503, 204])
        let entry = try #require(try workspace.outbox().first)
        #expect(entry["state"] as? String == "delivered" && entry["attempts"] as? Int == 4, "\(entry)")
    }

    @Test("a recipient the relay refuses for good (550) is suppressed: not tried again until resubscribed; the reply text is kept")
    func hardBounce() throws {
        let smtp = try SMTPServer(script: ["550"])
        let workspace = try DeliveryWorkspace(smtp: smtp, retry: "[100ms]")
        try workspace.addEmailSubscriber("lawyer", address: "Lawyer@example.org")
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("dead 1"))
        let dead = try #require(try workspace.outbox().first)
        #expect(dead["last_error"] as? String == "SMTP 550 5.1.1 Mailbox unavailable", "\(dead)")
        // The next event is not even queued for the bounced address, whatever case its file writes it in.
        try workspace.addEmailSubscriber("lawyer-renamed", address: "lawyer@EXAMPLE.org")
        try FileManager.default.removeItem(at: workspace.directory.url.appendingPathComponent("subscribers/lawyer.yaml"))
        try workspace.moveCase(to: "closed")
        #expect(try workspace.run().stdout.contains("0 delivery(ies) queued"))
        #expect(smtp.rejections().count == 1)
        #expect(try smtp.messages().isEmpty)
        let shown = try workspace.run(["subscribers", "show", "lawyer-renamed", "--json"]).stdout
        #expect(shown.contains(#""state":"bounced""#) && shown.contains("5.1.1 Mailbox unavailable"), "\(shown)")
        // Resubscribed, the address gets the next alert.
        #expect(try workspace.run(["subscribers", "resubscribe", "lawyer-renamed"]).status == 0)
        try workspace.moveCase(to: "reported")
        #expect(try workspace.run().stdout.contains("sent 1"))
        #expect(try smtp.messages().count == 1)
    }

    @Test("a receiver that never answers times out and the delivery waits for a retry")
    func timeout() throws {
        let receiver = try HTTPReceiver(script: ["sleep=30"])
        let workspace = try DeliveryWorkspace(smtp: nil, webhookTimeout: "1s")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.stdout.contains("retrying 1"))
        let entry = try #require(try workspace.outbox().first)
        #expect(entry["state"] as? String == "retrying")
        #expect((entry["last_error"] as? String)?.contains("imed out") == true)
    }

    @Test("SMTP 451 is retried and then delivered; 550 is a dead letter at once")
    func smtpReplies() throws {
        let smtp = try SMTPServer(script: ["451", "250", "550"])
        let workspace = try DeliveryWorkspace(smtp: smtp, retry: "[1s]")
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org")
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 0, retrying 1, dead 0"))
        usleep(1_300_000)
        #expect(try workspace.run().stdout.contains("sent 1, retrying 0, dead 0"))
        #expect(try smtp.messages().count == 1)
        try workspace.moveCase(to: "closed")
        #expect(try workspace.run().stdout.contains("sent 0, retrying 0, dead 1"))
        let dead = try workspace.run(["outbox", "dead", "--json"])
        #expect(dead.stdout.split(separator: "\n").count == 1 && dead.stdout.contains("550"), "\(dead.stdout)")
        #expect(smtp.rejections().map { $0.prefix(3) } == ["451", "550"])
    }

    @Test("tls: none towards a host that is not loopback is refused")
    func plainTextRefused() throws {
        let workspace = try DeliveryWorkspace(smtp: nil)
        let config = try workspace.directory.read("casewatch.yml").replacingOccurrences(
            of: "  transport: file\n  directory: var/mail\n",
            with: "  transport: smtp\n  url: smtp://mail.example.org:25\n  tls: none\n")
        try workspace.directory.write("casewatch.yml", config)
        let run = try workspace.run(["check"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("email.tls: tls: none is only allowed towards a loopback host"))
    }

    @Test("an entry queued before an unsubscribe is not sent, and says why")
    func unsubscribedWhileQueued() async throws {
        let smtp = try SMTPServer(script: ["451"])
        let workspace = try DeliveryWorkspace(smtp: smtp, retry: "[100ms]")
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org")
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("retrying 1"))
        let store = try SQLiteStateStore(path: workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path)
        try await store.optOut(OptOut(channel: .email, address: "lawyer@example.org", kind: .unsubscribed,
                                      reason: "one-click unsubscribe", since: "2026-01-01T00:00:00Z"))
        usleep(200_000)
        #expect(try workspace.run().stdout.contains("sent 0, retrying 0, dead 0"))
        let entry = try #require(try workspace.outbox().first)
        #expect(entry["state"] as? String == "dead")
        #expect(entry["last_error"] as? String == "not sent: one-click unsubscribe")
        #expect(try smtp.messages().isEmpty)
    }

    @Test("a refused SMTP login is the relay's problem: retried, not a dead letter")
    func loginRefused() throws {
        let smtp = try SMTPServer(auth: "alerts:another-password")
        let workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org")
        try workspace.run()
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.stdout.contains("sent 0, retrying 1, dead 0"), "\(run.stdout)")
        for secret in DeliveryWorkspace.secretMaterial { #expect(!run.output.contains(secret)) }
    }

    @Test("a subscriber's own webhook template shapes the body, still signed; a broken one is caught by check")
    func ownTemplate() throws {
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.directory.write("subscribers/chat.yaml", """
            id: chat
            name: Chat room
            language: ru
            webhook: {url: "\(receiver.url)/chat", secret_env: HOOK_SECRET, template: compact}

            """)
        try workspace.run()
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 1"))
        let request = try #require(try receiver.requests().first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect((body["text"] as? String)?.contains("Московская Хельсинкская группа") == true)
        #expect(body["subscriber"] as? String == "chat" && body["language"] as? String == "ru")
        #expect((body["case"] as? [String: Any])?["id"] as? String == "moscow-helsinki-group-liquidation")
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap(Int.init))
        let signature = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(request.body.utf8),
                                              secret: WebhookSecret(DeliveryWorkspace.webhookSecret)!)
        #expect(request.headers["webhook-signature"] == "v1,\(signature)")

        try workspace.directory.write("templates/webhooks/compact.mustache", "{\"text\": {{summary}}}\n")
        let check = try workspace.run(["check"])
        #expect(check.status == 65)
        #expect(check.stderr.contains("templates/webhooks/compact.mustache does not make JSON"), "\(check.stderr)")

        try workspace.directory.write("subscribers/chat.yaml", """
            id: chat
            name: Chat room
            webhook: {url: "\(receiver.url)/chat", secret_env: HOOK_SECRET, template: no-such-template}

            """)
        let missing = try workspace.run(["check"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("subscribers/chat.yaml: webhook.template: no template templates/webhooks/no-such-template.mustache"))
    }
}
