import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSQLite
import CaseWatchTesting
import Curl
import Foundation
import Testing

/// Telegram's split alerts paced to the chat, and the progress of a delivery kept in the store: a retry by a new
/// process (a new store and transport) sends only the messages not sent yet, and a chat that moved is written to at
/// its new id, against the Bot API stand-in on 127.0.0.1.
@Suite("Telegram pacing and progress", .serialized)
struct TelegramProgressTests {
    static let loopback = NetworkGuard(allowing: [try! AddressRange("127.0.0.0/8")])

    /// An alert Telegram takes as three messages.
    static let lines = (1...250).map { "<b>\($0)</b> " + String(repeating: "é", count: 30) }

    static func job(chat: String = "-1001234567890", payload: String = lines.joined(separator: "\n"),
                    event: String = "evt_split") -> DeliveryJob {
        DeliveryJob(outboxID: 1, draft: OutboxDraft(
            eventID: event, subscriberID: "desk", channel: .telegram, recipient: chat,
            messageID: ChatMessageID.make(eventID: "\(event)-\(UUID())", subscriberID: "desk", channel: .telegram),
            payload: Array(payload.utf8), secretEnv: "TG"), attempts: 0)
    }

    static func channel(_ bot: TelegramBotServer, progress: any TelegramProgressStore,
                        pacing: TelegramPacing = .telegram) -> TelegramChannel {
        TelegramChannel(delivery: .http(apiURL: bot.url, timeout: 5, network: loopback),
                        environment: ["TG": ChatWorkspace.telegramToken], progress: progress, pacing: pacing)
    }

    /// A store file; each `open` is a new store on it, as a new process would have.
    struct StoreFile {
        let directory: TemporaryDirectory
        var path: String { directory.url.appendingPathComponent("casewatch.sqlite").path }

        init() throws { directory = try TemporaryDirectory("casewatch-telegram-progress") }

        func open() throws -> SQLiteStateStore { try SQLiteStateStore(path: path) }

        func rows(_ sql: String) throws -> [String] {
            try SQLiteShell.run(path, sql).split(separator: "\n").map(String.init)
        }
    }

    @Test("the messages of a split alert reach the chat at least a second apart")
    func paced() throws {
        let bot = try TelegramBotServer()
        defer { bot.stop() }
        let result = Self.channel(bot, progress: TelegramProgress()).makeTransport().send(Self.job(), at: Date())
        guard case .delivered = result.outcome else {
            Issue.record("\(result.outcome)")
            return
        }
        let times = try bot.requests().map(\.receivedAt)
        #expect(times.count == 3)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= 0.95, "received \(later - earlier) s apart: \(times)")
        }
    }

    @Test("the wait is asked for between the messages of one chat only, not before the first nor after the last")
    func pacingInjected() throws {
        let bot = try TelegramBotServer()
        defer { bot.stop() }
        let waits = Waits()
        let pacing = TelegramPacing(interval: 1) { waits.append($0) }
        let result = Self.channel(bot, progress: TelegramProgress(), pacing: pacing).makeTransport()
            .send(Self.job(), at: Date())
        #expect(result.outcome.isDelivered, "\(result.outcome)")
        #expect(waits.all == [1, 1])
        #expect(try bot.requests().count == 3)
        // A message of one part waits for nothing.
        _ = Self.channel(bot, progress: TelegramProgress(), pacing: pacing).makeTransport()
            .send(Self.job(payload: "<b>short</b>"), at: Date())
        #expect(waits.all == [1, 1])
    }

    @Test("a retry by a new process goes on from the store: no message of the split alert reaches the chat twice")
    func retryInNewProcess() throws {
        let bot = try TelegramBotServer(script: ["ok", "429 retry_after=1"])
        defer { bot.stop() }
        let file = try StoreFile()
        let job = Self.job()
        let quick = TelegramPacing(interval: 0.05)
        let first = Self.channel(bot, progress: try file.open(), pacing: quick).makeTransport().send(job, at: Date())
        #expect(first.outcome == .retryable(reason: "HTTP 429: Too Many Requests: retry after 1 (message 2 of 3)",
                                            retryAfter: 1))
        #expect(try file.rows("SELECT parts_sent || '/' || parts FROM telegram_split") == ["1/3"])

        // Another process: a new store on the same file, a new channel and transport.
        let second = Self.channel(bot, progress: try file.open(), pacing: quick).makeTransport().send(job, at: Date())
        guard case .delivered(let detail) = second.outcome else {
            Issue.record("\(second.outcome)")
            return
        }
        #expect(detail.contains("3 message(s)") && detail.contains("messages 1 to 1 of 3 were sent by an earlier attempt"),
                "\(detail)")
        let requests = try bot.requests()
        #expect(requests.map(\.status) == [200, 429, 200, 200])
        let delivered = requests.filter { $0.status == 200 }.map { $0.json["text"] as? String ?? "" }
        #expect(delivered.joined(separator: "\n") == Self.lines.joined(separator: "\n"), "each message once, in order")
        #expect(Set(delivered).count == 3)
        #expect(try file.rows("SELECT count(*) FROM telegram_split") == ["0"], "forgotten once all were sent")
    }

    @Test("a chat that moved (migrate_to_chat_id) is written to at its new id by a later delivery of a new process")
    func migratedChatRemembered() throws {
        let bot = try TelegramBotServer(migrated: ["-4001": "-1009990001"])
        defer { bot.stop() }
        let file = try StoreFile()
        let first = Self.channel(bot, progress: try file.open()).makeTransport()
            .send(Self.job(chat: "-4001", payload: "<b>first</b>", event: "evt_a"), at: Date())
        #expect(first.outcome.isDelivered, "\(first.outcome)")
        #expect(try file.rows("SELECT chat_id || ' ' || migrated_to FROM telegram_chat_migration")
                == ["-4001 -1009990001"])

        let later = Self.channel(bot, progress: try file.open()).makeTransport()
            .send(Self.job(chat: "-4001", payload: "<b>second</b>", event: "evt_b"), at: Date())
        guard case .delivered(let detail) = later.outcome else {
            Issue.record("\(later.outcome)")
            return
        }
        #expect(detail.contains("sent to chat -1009990001, which chat -4001 became"), "\(detail)")
        let requests = try bot.requests()
        #expect(requests.map(\.status) == [400, 200, 200])
        #expect(requests.map { $0.json["chat_id"] as? Int } == [-4001, -1009990001, -1009990001])
        #expect(requests.map { $0.json["text"] as? String } == ["<b>first</b>", "<b>first</b>", "<b>second</b>"])
    }

    @Test("run --once: after a chat moved, the next run's alert goes to the new id at once, and says so")
    func migratedChatAcrossRuns() throws {
        let bot = try TelegramBotServer(migrated: ["-4001": "-1009990001"])
        defer { bot.stop() }
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        try chat.addTelegram("desk", chat: "-4001")
        try chat.run()
        try chat.workspace.moveCase()
        #expect(try chat.run().stdout.contains("sent 1"))
        try chat.workspace.moveCase(to: "closed")
        let second = try chat.run()
        #expect(second.stdout.contains("sent 1"), "\(second.output)")
        let requests = try bot.requests()
        #expect(requests.map(\.status) == [400, 200, 200])
        #expect(requests.map { $0.json["chat_id"] as? Int } == [-4001, -1009990001, -1009990001])
        let detail = try #require(try chat.attempts().last)
        #expect(detail.contains("sent to chat -1009990001, which chat -4001 became"), "\(detail)")
        for secret in chat.secrets { #expect(!second.output.contains(secret)) }
    }
}

extension DeliveryOutcome {
    var isDelivered: Bool {
        if case .delivered = self { true } else { false }
    }
}

/// The waits a pacing asked for.
final class Waits: @unchecked Sendable {  // `seen` is guarded by `lock`
    private let lock = NSLock()
    private var seen: [TimeInterval] = []

    func append(_ seconds: TimeInterval) { lock.withLock { seen.append(seconds) } }
    var all: [TimeInterval] { lock.withLock { seen } }
}
