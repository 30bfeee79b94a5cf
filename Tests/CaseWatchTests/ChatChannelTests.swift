import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchSources
import CaseWatchTesting
import Foundation
import InputFormats
import Logging
import Testing

/// The Matrix and Telegram channels' pure parts: the HTML each chat takes, Telegram's split, how the two APIs'
/// answers are read, the subscriber keys, and digests on both.
@Suite("Matrix and Telegram channels")
struct ChatChannelTests {
    @Test("Telegram HTML keeps only Telegram's tags; everything else is escaped text")
    func telegramHTML() {
        #expect(ChatHTML.telegram("<b>Memorial</b> &amp; <i>SOVA</i>") == "<b>Memorial</b> &amp; <i>SOVA</i>")
        #expect(ChatHTML.telegram("<div class=\"x\">a</div><script>b</script>")
                == "&lt;div class=\"x\"&gt;a&lt;/div&gt;&lt;script&gt;b&lt;/script&gt;")
        #expect(ChatHTML.telegram("<a href=\"https://example.org/?a=1&amp;b=2\">site</a>")
                == "<a href=\"https://example.org/?a=1&amp;b=2\">site</a>")
        #expect(ChatHTML.telegram("<a href=\"javascript:alert(1)\">x</a>") == "x")
        #expect(ChatHTML.telegram("it&#39;s &apos;5 &lt; 6&apos; a&b") == "it's '5 &lt; 6' a&amp;b")
        // A tag left open at a line's end is closed there; a stray closing tag goes.
        #expect(ChatHTML.telegram("<b>one\ntwo</b></i>") == "<b>one</b>\ntwo")
        #expect(ChatHTML.telegram("a<br>b<br/>c") == "a\nb\nc")
    }

    @Test("Matrix gets the same HTML with <br> line breaks, and the plain text beside it")
    func matrixBodies() throws {
        let html = "<b>Case</b> — <i>note</i>\n<a href=\"https://example.org/a\">https://example.org/a</a>\n"
            + "<a href=\"https://example.org/b\">source</a> &lt;x&gt;"
        #expect(ChatHTML.matrixFormatted(html) == "<b>Case</b> — <i>note</i><br>\n"
                + "<a href=\"https://example.org/a\">https://example.org/a</a><br>\n"
                + "<a href=\"https://example.org/b\">source</a> &lt;x&gt;")
        #expect(ChatHTML.plainText(html)
                == "Case — note\nhttps://example.org/a\nsource (https://example.org/b) <x>")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(MatrixMessage.body(html: html)))
            as? [String: String])
        #expect(body == ["msgtype": "m.notice", "body": ChatHTML.plainText(html), "format": "org.matrix.custom.html",
                         "formatted_body": ChatHTML.matrixFormatted(html)])
        #expect(String(decoding: MatrixMessage.body(html: "x"), as: UTF8.self)
                == #"{"msgtype":"m.notice","body":"x","format":"org.matrix.custom.html","formatted_body":"x"}"#)
    }

    @Test("a Matrix room's address and message URL: the room id percent-encoded, the txn id appended")
    func matrixAddress() {
        let endpoint = MatrixEndpoint(homeserver: "https://matrix.example.org/", roomID: "!abc:example.org",
                                      accessTokenEnv: "T")
        #expect(endpoint.address == "https://matrix.example.org/_matrix/client/v3/rooms/%21abc%3Aexample.org")
        let draft = OutboxDraft(eventID: "evt_1", subscriberID: "s", channel: .matrix, recipient: endpoint.address,
                                messageID: "cw_abc", payload: [])
        #expect(MatrixMessage.url(draft) == endpoint.address + "/send/m.room.message/cw_abc")
        let first = ChatMessageID.make(eventID: "evt_1", subscriberID: "s", channel: .matrix)
        #expect(first == ChatMessageID.make(eventID: "evt_1", subscriberID: "s", channel: .matrix))
        #expect(first != ChatMessageID.make(eventID: "evt_1", subscriberID: "s", channel: .telegram))
        #expect(first != ChatMessageID.make(eventID: "evt_1", subscriberID: "s", channel: .matrix, generation: 1))
    }

    @Test("the homeserver's answers: 200 delivered, 429 waits retry_after_ms, 403 M_FORBIDDEN disables", arguments: [
        (200, #"{"event_id":"$e1"}"#, DeliveryOutcome.delivered(detail: "HTTP 200 $e1")),
        (429, #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}"#,
         .retryable(reason: "HTTP 429 M_LIMIT_EXCEEDED: Too Many Requests", retryAfter: 2.5)),
        (403, #"{"errcode":"M_FORBIDDEN","error":"User @bot:x not in room !r:x"}"#,
         .gone(reason: "HTTP 403 M_FORBIDDEN: User @bot:x not in room !r:x")),
        (401, #"{"errcode":"M_UNKNOWN_TOKEN","error":"Unknown access token"}"#,
         .retryable(reason: "HTTP 401 M_UNKNOWN_TOKEN: Unknown access token")),
        (502, "bad gateway", .retryable(reason: "HTTP 502")),
    ])
    func matrixAnswers(status: Int, body: String, expected: DeliveryOutcome) {
        #expect(MatrixMessage.outcome(status: status, body: Array(body.utf8), retryAfterHeader: nil, now: Date())
                == expected)
    }

    @Test("Telegram's split: at most 4,096 characters a message, between lines, nothing lost")
    func split() {
        let lines = (1...250).map { "<b>line \($0)</b> " + String(repeating: "x", count: 30) }
        let text = lines.joined(separator: "\n")
        let parts = TelegramMessage.parts(text)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.utf16.count <= TelegramMessage.limit })
        #expect(parts.joined(separator: "\n") == text)
        // One line longer than a message: plain text cut between characters, never inside an entity.
        let long = String(repeating: "a&b ", count: 1500)
        let cut = TelegramMessage.parts("<i>" + long + "</i>")
        #expect(cut.count == 3 && cut.allSatisfy { $0.utf16.count <= 4096 && !$0.contains("<i>") })
        #expect(cut.joined().replacingOccurrences(of: "&amp;", with: "&") == long)
        #expect(TelegramMessage.parts("\n\n<b>x</b>\n\n") == ["<b>x</b>"])
    }

    @Test("Telegram's sendMessage body: chat id a number when it is one, HTML, no link previews")
    func telegramBody() {
        #expect(String(decoding: TelegramMessage.body(chatID: "-1001234567890", text: "<b>a</b>"), as: UTF8.self)
                == #"{"chat_id":-1001234567890,"text":"<b>a</b>","parse_mode":"HTML","disable_web_page_preview":true}"#)
        #expect(String(decoding: TelegramMessage.body(chatID: "@casewatch", text: "a"), as: UTF8.self)
                == #"{"chat_id":"@casewatch","text":"a","parse_mode":"HTML","disable_web_page_preview":true}"#)
    }

    /// A subscriber file in a fresh folder, loaded with `environment`.
    func load(_ text: String, environment: [String: String] = [:]) throws -> SubscriberLoad {
        let directory = try TemporaryDirectory("casewatch-chat-subscribers")
        try directory.write("subscribers/s.yaml", text)
        return SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: ProcessEnvironment(environment))
    }

    @Test("matrix and telegram keys are read; an unknown key, a missing variable, a bad id are errors naming the field")
    func subscriberKeys() throws {
        let token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
        let good = try load("""
            id: desk
            name: Desk
            matrix: {homeserver: "https://matrix.example.org", room_id: "!abc:example.org", access_token_env: MX}
            telegram: {chat_id: "-1001234567890", bot_token_env: TG}

            """, environment: ["MX": "syt_secret", "TG": token])
        #expect(good.problems.isEmpty, "\(good.problems)")
        let desk = try #require(good.subscriber(id: "desk"))
        #expect(desk.channels == [.matrix, .telegram])
        #expect(desk.address(on: .telegram) == "-1001234567890")
        #expect(desk.address(on: .matrix) == "https://matrix.example.org/_matrix/client/v3/rooms/%21abc%3Aexample.org")

        let bad = try load("""
            id: desk
            name: Desk
            matrix: {homeserver: "https://matrix.example.org", room_id: "#alias:example.org", access_token_env: MX,
                     acess_token: x}
            telegram: {chat_id: "group", bot_token_env: TG, bot_token: "\(token)"}

            """, environment: ["TG": "not-a-token"])
        let messages = bad.problems.map { "\($0.file):\($0.line ?? 0): \($0.field ?? ""): \($0.message)" }
        #expect(bad.problems.allSatisfy { $0.severity == .error }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("subscribers/s.yaml:3: matrix.room_id: ") })
        #expect(messages.contains { $0.contains("matrix.acess_token: is not a key of matrix") })
        #expect(messages.contains { $0.contains("matrix.access_token_env: the environment variable MX is not set") })
        #expect(messages.contains { $0.contains("telegram.chat_id: \"group\" is not a Telegram chat id") })
        #expect(messages.contains { $0.contains("telegram.bot_token: secrets never sit in subscriber files") })
        #expect(messages.contains { $0.contains("telegram.bot_token_env: $TG does not hold a bot token") })
        #expect(!messages.joined().contains("not-a-token") && !messages.joined().contains("AAHdqTcv"))
    }

    @Test("a digest subscriber's Matrix and Telegram messages wait for the slot and come as one digest each")
    func digests() async throws {
        let directory = try TemporaryDirectory("casewatch-chat-digest")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            matrix: {transport: file, directory: var/matrix}
            telegram: {transport: file, directory: var/telegram}

            """)
        func writeCase(_ steps: [String]) throws {
            try directory.write("registry/sova.yaml", """
                id: sova-center-liquidation
                subject: {kind: organisation, name: {en: SOVA Center, ru: Центр «СОВА»}}
                country: RU
                type: liquidation
                court: Moscow City Court
                history:
                \(steps.map { "  - \($0)" }.joined(separator: "\n"))

                """)
        }
        try writeCase(["{date: 2026-11-20, status: claim_filed}"])
        try directory.write("subscribers/desk.yaml", """
            id: research-desk
            name: Research desk
            language: ru
            matrix: {homeserver: "https://matrix.example.org", room_id: "!abc:example.org", access_token_env: MX}
            telegram: {chat_id: "-1001234567890", bot_token_env: TG}
            delivery: digest
            digest: "0 8 * * 1-5"
            timezone: Europe/London

            """)
        let environment: ProcessEnvironment = ["MX": "syt_x", "TG": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"]
        func cycle(_ now: String) async throws {
            let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
            let runner = CycleRunner(configuration: configuration, environment: environment, logger: Logger(label: "test"))
            _ = try await runner.runOnce(dryRun: false, now: ISO8601DateFormatter().date(from: now)!)
        }
        func files(_ folder: String) throws -> [String] {
            let url = directory.url.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return try names.sorted().map { try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8) }
        }
        try await cycle("2026-11-30T07:00:00Z")
        try writeCase(["{date: 2026-11-20, status: claim_filed}", "{date: 2026-11-29, status: hearing_scheduled}"])
        try await cycle("2026-11-30T07:30:00Z")
        #expect(try files("var/matrix").isEmpty && files("var/telegram").isEmpty, "nothing before the slot")
        try await cycle("2026-11-30T08:05:00Z")
        try await cycle("2026-11-30T08:10:00Z")
        let matrix = try files("var/matrix"), telegram = try files("var/telegram")
        #expect(matrix.count == 1 && telegram.count == 1)
        #expect(matrix.first?.contains("Сводка CaseWatch") == true && matrix.first?.contains("m.notice") == true)
        #expect(matrix.first?.contains("/send/m.room.message/cw_") == true)
        #expect(telegram.first?.contains("Сводка CaseWatch") == true && telegram.first?.contains("-1001234567890") == true)
        #expect(!(matrix + telegram).joined().contains("AAHdqTcv") && !(matrix + telegram).joined().contains("syt_x"))
    }
}
