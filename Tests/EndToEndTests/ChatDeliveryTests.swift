import CaseWatchChannels
import CaseWatchModel
import CaseWatchTesting
import Curl
import Foundation
import Testing

/// A workspace whose `run --once` also delivers to Matrix and Telegram, with the tokens in the environment only.
struct ChatWorkspace {
    static let telegramToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

    let workspace: DeliveryWorkspace
    let casewatch: CommandRunner

    init(telegramAPI: String? = nil, matrix: Bool = false, matrixToken: String = "", retry: String = "[100ms, 100ms]")
        throws
    {
        var extra = ""
        if let telegramAPI { extra += "telegram: {transport: http, api_url: \"\(telegramAPI)\", timeout: 5s}\n" }
        if matrix { extra += "matrix: {transport: http, timeout: 10s}\n" }
        workspace = try DeliveryWorkspace(smtp: nil, retry: retry, concurrency: 2, extra: extra)
        var casewatch = workspace.casewatch
        casewatch.environment["CW_TELEGRAM_TOKEN"] = Self.telegramToken
        casewatch.environment["CW_MATRIX_TOKEN"] = matrixToken
        self.casewatch = casewatch
    }

    var secrets: [String] {
        [Self.telegramToken, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", casewatch.environment["CW_MATRIX_TOKEN"] ?? ""]
            .filter { !$0.isEmpty }
    }

    func addTelegram(_ id: String, chat: String, language: String = "en", delivery: String = "immediate") throws {
        try workspace.directory.write("subscribers/\(id).yaml", """
            id: \(id)
            name: Desk \(id)
            language: \(language)
            telegram: {chat_id: "\(chat)", bot_token_env: CW_TELEGRAM_TOKEN}

            """)
    }

    func addMatrix(_ id: String, homeserver: String, room: String, language: String = "en") throws {
        try workspace.directory.write("subscribers/\(id).yaml", """
            id: \(id)
            name: Room \(id)
            language: \(language)
            matrix: {homeserver: "\(homeserver)", room_id: "\(room)", access_token_env: CW_MATRIX_TOKEN}

            """)
    }

    @discardableResult
    func run(_ arguments: [String] = ["run", "--once"]) throws -> CommandRunner.Result {
        try casewatch.run(arguments)
    }

    /// The attempt log of the store, as `outcome|code|detail` lines, oldest first.
    func attempts() throws -> [String] {
        try SQLiteShell.run(workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path,
                            "SELECT outcome || '|' || coalesce(code, '') || '|' || detail FROM attempt ORDER BY id")
            .split(separator: "\n").map(String.init)
    }

    func optOuts() throws -> [String] {
        try SQLiteShell.run(workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path,
                            "SELECT channel || '|' || address || '|' || kind FROM optout ORDER BY channel")
            .split(separator: "\n").map(String.init)
    }
}

/// Telegram alerts through a local Bot API server that answers as the Bot API documentation says.
@Suite("Telegram delivery", .serialized)
struct TelegramDeliveryTests {
    /// The Bot API peer listens on 127.0.0.1, which the network guard lets through only when allowed.
    static let loopback = NetworkGuard(allowing: [try! AddressRange("127.0.0.0/8")])

    @Test("an alert reaches the Bot API as one sendMessage, HTML Telegram accepts, once; the token shows nowhere")
    func delivers() throws {
        let bot = try TelegramBotServer(token: ChatWorkspace.telegramToken)
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-1001234567890", language: "ru")
        #expect(try chat.run().status == 0)
        try chat.workspace.moveCase()
        let run = try chat.run()
        #expect(run.status == 0 && run.stdout.contains("sent 1, retrying 0, dead 0"), "\(run.output)")
        let requests = try bot.requests()
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST" && request.path == "/bot\(ChatWorkspace.telegramToken)/sendMessage")
        #expect(request.status == 200, "\(request.answer)")
        let body = request.json
        #expect(body["chat_id"] as? Int == -1001234567890)
        #expect(body["parse_mode"] as? String == "HTML" && body["disable_web_page_preview"] as? Bool == true)
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("<b>") && text.contains("Московская Хельсинкская группа"), "\(text)")
        #expect(Array(request.body.utf8).count > 0)
        // The bytes on the wire are the stored payload's, built into the documented body.
        #expect(request.body == String(decoding: TelegramMessage.body(chatID: "-1001234567890", text: text), as: UTF8.self))
        #expect(try chat.attempts().last?.hasPrefix("delivered|200|HTTP 200: 1 message(s) to chat -1001234567890") == true)

        let again = try chat.run()
        #expect(again.stdout.contains("0 delivery(ies) queued; sent 0"))
        #expect(try bot.requests().count == 1)
        for output in [run.output, again.output, try chat.run(["outbox", "list", "--json"]).output,
                       try chat.run(["subscribers", "show", "desk", "--json"]).output,
                       try chat.run(["status", "--json"]).output, try chat.run(["check"]).output] {
            for secret in chat.secrets { #expect(!output.contains(secret)) }
        }
        #expect(try chat.run(["subscribers", "show", "desk"]).output.contains("-1001234567890"))
    }

    @Test("429 waits parameters.retry_after without using up a short retry schedule, then is delivered")
    func tooManyRequests() throws {
        let bot = try TelegramBotServer(script: ["429 retry_after=1", "429 retry_after=1", "ok"])
        let chat = try ChatWorkspace(telegramAPI: bot.url, retry: "[3s]")
        try chat.addTelegram("desk", chat: "-1001234567890")
        try chat.run()
        try chat.workspace.moveCase()
        for _ in 0..<3 {
            try chat.run()
            usleep(1_150_000)
        }
        #expect(try bot.requests().map(\.status) == [429, 429, 200])
        let attempts = try chat.attempts()
        #expect(attempts.count == 3 && attempts[0].hasPrefix("retryable|429|HTTP 429: Too Many Requests: retry after 1"),
                "\(attempts)")
        let entry = try #require(try chat.workspace.outbox().first)
        #expect(entry["state"] as? String == "delivered" && entry["attempts"] as? Int == 3, "\(entry)")
    }

    @Test("a chat that blocked the bot (403) or is not found (400) is disabled as a webhook's 410 is",
          arguments: ["403", "400 chat_not_found"])
    func disabled(answer: String) throws {
        let bot = try TelegramBotServer(script: [answer])
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-1001234567890")
        try chat.run()
        try chat.workspace.moveCase()
        #expect(try chat.run().stdout.contains("dead 1"))
        #expect(try chat.optOuts() == ["telegram|-1001234567890|disabled"])
        try chat.workspace.moveCase(to: "closed")
        #expect(try chat.run().stdout.contains("0 delivery(ies) queued"))
        #expect(try bot.requests().count == 1)
        let show = try chat.run(["subscribers", "show", "desk", "--json"]).stdout
        #expect(show.contains(#""state":"disabled""#), "\(show)")
        #expect(try chat.run(["outbox", "enable", "desk"]).status == 0)
        #expect(try chat.optOuts().isEmpty)
    }

    @Test("a group that became a supergroup (migrate_to_chat_id): the message goes to the new chat, and it is said")
    func migrated() throws {
        let bot = try TelegramBotServer(migrated: ["-4001": "-1009990001"])
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-4001")
        try chat.run()
        try chat.workspace.moveCase()
        let run = try chat.run()
        #expect(run.stdout.contains("sent 1"), "\(run.output)")
        let requests = try bot.requests()
        #expect(requests.map(\.status) == [400, 200])
        #expect(requests.map { $0.json["chat_id"] as? Int } == [-4001, -1009990001])
        let detail = try #require(try chat.attempts().last)
        #expect(detail.contains("chat -4001 became chat -1009990001 (migrate_to_chat_id): set telegram.chat_id to -1009990001"),
                "\(detail)")
    }

    @Test("a message longer than 4,096 characters goes as several, split on lines; a retry sends only the rest")
    func split() throws {
        let bot = try TelegramBotServer(script: ["ok", "429 retry_after=1"])
        let lines = (1...250).map { "<b>\($0)</b> " + String(repeating: "é", count: 30) }
        let job = DeliveryJob(outboxID: 1, draft: OutboxDraft(
            eventID: "evt_split", subscriberID: "desk", channel: .telegram, recipient: "-1001234567890",
            messageID: ChatMessageID.make(eventID: "evt_split-\(UUID())", subscriberID: "desk", channel: .telegram),
            payload: Array(lines.joined(separator: "\n").utf8), secretEnv: "TG"), attempts: 0)
        let channel = TelegramChannel(delivery: .http(apiURL: bot.url, timeout: 5, network: Self.loopback),
                                      environment: ["TG": ChatWorkspace.telegramToken])
        let transport = channel.makeTransport()
        let first = transport.send(job, at: Date())
        #expect(first.outcome == .retryable(reason: "HTTP 429: Too Many Requests: retry after 1 (message 2 of 3)",
                                            retryAfter: 1))
        let second = channel.makeTransport().send(job, at: Date())
        guard case .delivered(let detail) = second.outcome else {
            Issue.record("\(second.outcome)")
            return
        }
        #expect(detail.contains("3 message(s)") && detail.contains("messages 1 to 1 of 3 were sent by an earlier attempt"))
        let texts = try bot.requests().map { $0.json["text"] as? String ?? "" }
        #expect(try bot.requests().map(\.status) == [200, 429, 200, 200])
        #expect(texts.allSatisfy { $0.utf16.count <= 4096 })
        #expect([texts[0], texts[2], texts[3]].joined(separator: "\n") == lines.joined(separator: "\n"))
        #expect(texts[1] == texts[2])
    }

    @Test("HTML Telegram would refuse never leaves: a registry value with tags arrives as text")
    func hostileValues() throws {
        let bot = try TelegramBotServer()
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-1001234567890")
        try chat.run()
        let path = "registry/moscow-helsinki-group-liquidation.yaml"
        try chat.workspace.directory.write(path, CaseFileEdit.appendingStep(
            "{date: 2026-10-01, status: cassation_filed, note: \"<div>appeal</div> & <script>x</script>\"}",
            to: try chat.workspace.directory.read(path)))
        #expect(try chat.run().stdout.contains("sent 1"))
        let request = try #require(try bot.requests().first)
        #expect(request.status == 200, "\(request.answer)")
        #expect((request.json["text"] as? String)?.contains("&lt;div&gt;appeal&lt;/div&gt; &amp; &lt;script&gt;") == true)
    }
}

/// Matrix alerts to a real Synapse homeserver on 127.0.0.1 (one for the whole suite: it takes seconds to start),
/// read back as another user of the room.
@Suite("Matrix delivery to Synapse", .serialized)
struct MatrixDeliveryTests {
    let synapse: SynapseServer

    init() throws {
        synapse = try SynapseServer.shared.get()
    }

    @Test("an alert reaches the room as an m.notice the reader sees; a retry with the same txn_id posts nothing more")
    func delivers() throws {
        let room = try synapse.newRoom()
        let chat = try ChatWorkspace(matrix: true, matrixToken: synapse.bot.accessToken)
        try chat.addMatrix("room", homeserver: synapse.baseURL, room: room, language: "fr")
        #expect(try chat.run().status == 0)
        try chat.workspace.moveCase()
        let run = try chat.run()
        #expect(run.status == 0 && run.stdout.contains("sent 1, retrying 0, dead 0"), "\(run.output)")

        let messages = try synapse.messages(in: room)
        let message = try #require(messages.first)
        #expect(messages.count == 1)
        #expect(message["sender"] as? String == synapse.bot.userID)
        let content = try #require(message["content"] as? [String: Any])
        #expect(content["msgtype"] as? String == "m.notice" && content["format"] as? String == "org.matrix.custom.html")
        let body = try #require(content["body"] as? String)
        let formatted = try #require(content["formatted_body"] as? String)
        #expect(body.contains("Groupe Helsinki de Moscou") && !body.contains("<b>"), "\(body)")
        #expect(formatted.hasPrefix("<b>") && formatted.contains("<br>"), "\(formatted)")
        // The homeserver kept exactly what was sent: the payload in the store, byte for byte.
        let stored = try #require(try chat.workspace.outbox().first)
        let id = try #require(stored["id"] as? Int)
        let eventID = try #require(message["event_id"] as? String)
        #expect(try chat.attempts().last == "delivered|200|HTTP 200 \(eventID)")

        // The same entry again (as after a crash before its outcome was recorded): the same txn_id, the same event.
        #expect(try chat.run(["outbox", "retry", String(id)]).status == 0)
        let retry = try chat.run()
        #expect(retry.stdout.contains("sent 1"), "\(retry.output)")
        #expect(try chat.attempts().last == "delivered|200|HTTP 200 \(eventID)")
        #expect(try synapse.messages(in: room).count == 1)
        for output in [run.output, retry.output, try chat.run(["outbox", "list", "--json"]).output,
                       try chat.run(["subscribers", "show", "room", "--json"]).output] {
            #expect(!output.contains(synapse.bot.accessToken))
        }
    }

    @Test("the bot kicked from the room: the next delivery meets 403 M_FORBIDDEN and the room is disabled")
    func kicked() throws {
        let room = try synapse.newRoom()
        let chat = try ChatWorkspace(matrix: true, matrixToken: synapse.bot.accessToken)
        try chat.addMatrix("room", homeserver: synapse.baseURL, room: room)
        try chat.run()
        try chat.workspace.moveCase()
        #expect(try chat.run().stdout.contains("sent 1"))
        try synapse.kickBot(from: room)
        try chat.workspace.moveCase(to: "closed")
        let refused = try chat.run()
        #expect(refused.stdout.contains("dead 1"), "\(refused.output)")
        #expect(try chat.attempts().last?.hasPrefix("gone|403|HTTP 403 M_FORBIDDEN") == true)
        let address = MatrixEndpoint(homeserver: synapse.baseURL, roomID: room, accessTokenEnv: "").address
        #expect(try chat.optOuts() == ["matrix|\(address)|disabled"])
        try chat.workspace.moveCase(to: "in_force")
        #expect(try chat.run().stdout.contains("0 delivery(ies) queued"))
        #expect(try synapse.messages(in: room).count == 1)
        #expect(try chat.run(["status"]).stdout.contains("room"))
    }

    @Test("a wrong token is retried, not disabled, and never shown")
    func wrongToken() throws {
        let room = try synapse.newRoom()
        let chat = try ChatWorkspace(matrix: true, matrixToken: "syt_wrong_token_for_tests_0000")
        try chat.addMatrix("room", homeserver: synapse.baseURL, room: room)
        try chat.run()
        try chat.workspace.moveCase()
        let run = try chat.run()
        #expect(run.stdout.contains("retrying 1"), "\(run.output)")
        #expect(try chat.attempts().last?.hasPrefix("retryable|401|HTTP 401 M_UNKNOWN_TOKEN") == true)
        #expect(!run.output.contains("syt_wrong_token_for_tests_0000"))
        #expect(try chat.optOuts().isEmpty)
    }
}
