import CaseWatchChannels
import CaseWatchModel
import CaseWatchTesting
import Foundation
import Testing

/// `casewatch send-test`: a real message marked as a test, through the configured transports, recorded nowhere.
@Suite("send-test", .serialized)
struct SendTestTests {
    /// The text parts of a message, base64 decoded (CaseWatch writes its bodies in base64).
    static func decodedBodies(_ message: String) -> String {
        var decoded = ""
        for part in message.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").dropFirst() {
            let block = part.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n--")[0]
            if let data = Data(base64Encoded: block.replacingOccurrences(of: "\r\n", with: "")) {
                decoded += String(decoding: data, as: UTF8.self)
            }
        }
        return decoded
    }

    /// What the store holds of alerts: events and outbox entries.
    static func alertRows(_ workspace: DeliveryWorkspace) throws -> String {
        try SQLiteShell.run(workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path,
                            "SELECT (SELECT count(*) FROM event) || ' ' || (SELECT count(*) FROM outbox)")
    }

    @Test("e-mail: the relay receives a [test] message that says what it is; no event, no outbox entry")
    func email() throws {
        let smtp = try SMTPServer(auth: "alerts:\(DeliveryWorkspace.smtpPassword)")
        defer { smtp.stop() }
        let workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("desk", address: "desk@example.org")
        #expect(try workspace.run().status == 0)
        let before = try Self.alertRows(workspace)
        let result = try workspace.run(["send-test", "--subscriber", "desk"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("email desk@example.org: delivered ("), "\(result.stdout)")
        let messages = try smtp.messages()
        let message = try #require(messages.first)
        #expect(messages.count == 1 && message.recipients == ["desk@example.org"] && message.authUser == "alerts")
        #expect(message.text.contains("\r\nSubject: [test] CaseWatch: test message\r\n"))
        #expect(message.text.contains("\r\nX-CaseWatch: test\r\n"))
        #expect(message.text.contains("\r\nMessage-ID: <test."))
        #expect(!message.text.contains("In-Reply-To"))
        #expect(Self.decodedBodies(message.text).contains("This is a test message from CaseWatch"))
        #expect(try Self.alertRows(workspace) == before)
        #expect(try workspace.outbox().isEmpty)
        for secret in DeliveryWorkspace.secretMaterial { #expect(!result.output.contains(secret)) }

        // In the reader's language.
        try workspace.addEmailSubscriber("lecteur", address: "lecteur@example.org", language: "ru")
        #expect(try workspace.run(["send-test", "--subscriber", "lecteur", "--channel", "email"]).status == 0)
        let russian = try #require(try smtp.messages().last)
        #expect(Self.decodedBodies(russian.text).contains("Это проверочное сообщение CaseWatch"))
    }

    @Test("webhooks: casewatch.test, signed as alerts are, in the body version the receiver takes", arguments: [1, 2])
    func webhook(version: Int) throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.directory.write("subscribers/coe.yaml", """
            id: coe
            name: System coe
            language: fr
            webhook: {url: "\(receiver.url)/casewatch", secret_env: HOOK_SECRET, version: \(version)}

            """)
        let result = try workspace.run(["send-test", "--subscriber", "coe"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("webhook \(EndpointAddress.shown(receiver.url + "/casewatch")): delivered ("), "\(result.stdout)")
        let request = try #require(try receiver.requests().first)
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap(Int.init))
        let expected = WebhookSignature.sign(id: id, timestamp: timestamp, body: Array(request.body.utf8),
                                             secret: WebhookSecret(DeliveryWorkspace.webhookSecret)!)
        #expect(request.headers["webhook-signature"] == "v1,\(expected)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(body["type"] as? String == "casewatch.test" && body["test"] as? Bool == true)
        #expect(body["version"] as? Int == version && body["subscriber"] as? String == "coe")
        #expect((body["summary"] as? String)?.hasPrefix("[test]") == true)
        #expect(try workspace.outbox().isEmpty)
        #expect(!result.output.contains(DeliveryWorkspace.webhookSecret))
    }

    @Test("a receiver that fails: the channel is reported failed and the exit is 1")
    func failure() throws {
        let receiver = try HTTPReceiver(defaultStatus: 500)
        defer { receiver.stop() }
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addWebhookSubscriber("coe", url: receiver.url + "/casewatch")
        let result = try workspace.run(["send-test", "--subscriber", "coe"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("webhook \(EndpointAddress.shown(receiver.url + "/casewatch")): failed: retryable: "), "\(result.stdout)")
        #expect(try workspace.outbox().isEmpty)
    }

    @Test("Telegram: the Bot API stand-in gets a [test] sendMessage")
    func telegram() throws {
        let bot = try TelegramBotServer(token: ChatWorkspace.telegramToken)
        defer { bot.stop() }
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-1001234567890", language: "fr")
        let result = try chat.run(["send-test", "--subscriber", "desk", "--channel", "telegram"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("telegram -1001234567890: delivered ("), "\(result.stdout)")
        let request = try #require(try bot.requests().first)
        #expect(request.path == "/bot\(ChatWorkspace.telegramToken)/sendMessage" && request.status == 200)
        let text = try #require(request.json["text"] as? String)
        #expect(text.hasPrefix("<b>[test] CaseWatch : message d'essai</b>\n"), "\(text)")
        #expect(text.contains("Ceci est un message d'essai de CaseWatch"))
        for secret in chat.secrets { #expect(!result.output.contains(secret)) }
    }

    @Test("an unsubscribed address is refused unless --force; an erased one always")
    func optedOut() throws {
        let smtp = try SMTPServer(auth: "alerts:\(DeliveryWorkspace.smtpPassword)")
        defer { smtp.stop() }
        let workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("desk", address: "desk@example.org")
        #expect(try workspace.run(["subscribers", "unsubscribe", "desk"]).status == 0)
        let refused = try workspace.run(["send-test", "--subscriber", "desk"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("email desk@example.org: refused: unsubscribed since "), "\(refused.stdout)")
        #expect(refused.stdout.contains("--force sends anyway"))
        #expect(try smtp.messages().isEmpty)
        let forced = try workspace.run(["send-test", "--subscriber", "desk", "--force"])
        #expect(forced.status == 0 && forced.stdout.hasPrefix("email desk@example.org: delivered ("), "\(forced.output)")
        #expect(try smtp.messages().count == 1)

        #expect(try workspace.run(["subscribers", "erase", "desk"]).status == 0)
        let erased = try workspace.run(["send-test", "--subscriber", "desk", "--force"])
        #expect(erased.status == 1)
        #expect(erased.stdout.contains("refused: this address's person was erased"), "\(erased.stdout)")
        #expect(try smtp.messages().count == 1)
    }

    @Test("an unknown subscriber or a channel it lacks is bad input")
    func badInput() throws {
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.addEmailSubscriber("desk", address: "desk@example.org")
        #expect(try workspace.run(["send-test", "--subscriber", "nobody"]).status == 65)
        let channel = try workspace.run(["send-test", "--subscriber", "desk", "--channel", "webhook"])
        #expect(channel.status == 65 && channel.stderr.contains("--channel: desk has no webhook endpoint"))
        #expect(try workspace.run(["send-test", "--subscriber", "desk", "--channel", "pigeon"]).status == 64)
    }
}
