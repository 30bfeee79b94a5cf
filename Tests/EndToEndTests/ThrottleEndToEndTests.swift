import CaseWatchTesting
import Foundation
import Testing

/// Per-endpoint rates, measured where they matter: on the receiver's clock, in the receiver's log.
@Suite("Per-endpoint throttling, end to end", .serialized)
struct ThrottleEndToEndTests {
    /// A webhook subscriber file with a rate.
    static func webhook(_ id: String, url: String, rate: String?) -> String {
        """
        id: \(id)
        name: System \(id)
        language: en
        webhook:
          url: \(url)
          secret_env: HOOK_SECRET
        \(rate.map { "  rate: \($0)\n" } ?? "")
        """
    }

    /// How many of `times` fall in each whole second of the receiver's clock.
    static func perSecond(_ times: [Double]) -> [Int: Int] {
        Dictionary(grouping: times, by: { Int($0.rounded(.down)) }).mapValues(\.count)
    }

    @Test("a burst to a webhook with rate: 5/s: no second of the receiver's log holds more than 5, each arrives once, one attempt each; another endpoint is not slowed")
    func burstHoldsTheRate() throws {
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: nil, concurrency: 4)
        // Fifteen subscribers share one throttled endpoint (its rate is the endpoint's, not each subscriber's);
        // five share another without a rate.
        for n in 0..<15 {
            try workspace.directory.write("subscribers/slow-\(n).yaml",
                                          Self.webhook("slow-\(n)", url: receiver.url + "/slow", rate: "5/s"))
        }
        for n in 0..<5 {
            try workspace.directory.write("subscribers/fast-\(n).yaml",
                                          Self.webhook("fast-\(n)", url: receiver.url + "/fast", rate: nil))
        }
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 20, retrying 0, dead 0"), "\(run.stdout)")

        let requests = try receiver.requests()
        let slow = requests.filter { $0.path == "/slow" }
        let fast = requests.filter { $0.path == "/fast" }
        #expect(slow.count == 15 && fast.count == 5)
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 20)  // each once
        let seconds = Self.perSecond(slow.map(\.receivedAt))
        #expect(seconds.values.allSatisfy { $0 <= 5 }, "per second: \(seconds.sorted { $0.key < $1.key })")
        // Fifteen at 5/s cannot all arrive within two seconds.
        let slowTimes = slow.map(\.receivedAt).sorted()
        #expect(slowTimes.last! - slowTimes.first! >= 2.5)
        // The other endpoint was not held behind the throttled one.
        #expect(fast.map(\.receivedAt).max()! < slowTimes.last!)
        #expect(fast.map(\.receivedAt).max()! - slowTimes.first! < 1.5)

        let outbox = try workspace.outbox()
        #expect(outbox.count == 20)
        #expect(outbox.allSatisfy { $0["state"] as? String == "delivered" && $0["attempts"] as? Int == 1 },
                "\(outbox)")
        // The slots table keeps no address.
        let slots = try SQLiteShell.run(workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path,
                                        "SELECT key FROM throttle_slot")
        #expect(!slots.isEmpty && !slots.contains("127.0.0.1") && !slots.contains("slow"))
    }

    @Test("a rate that is not one is refused by check (exit 65), naming file, line and field; nothing sent")
    func badRate() throws {
        let receiver = try HTTPReceiver()
        let workspace = try DeliveryWorkspace(smtp: nil)
        try workspace.directory.write("subscribers/hook.yaml",
                                      Self.webhook("hook", url: receiver.url + "/hook", rate: "fast"))
        let check = try workspace.run(["check"])
        #expect(check.status == 65)
        #expect(check.output.contains(#"subscribers/hook.yaml:7: webhook.rate: "fast" is not a rate: write N/s, N/min or N/h (e.g. 20/s)"#),
                "\(check.output)")
        try workspace.directory.write("subscribers/hook.yaml", """
            id: hook
            name: System hook
            matrix: {homeserver: "https://matrix.example.org", room_id: "!a:example.org", access_token_env: HOOK_SECRET,
                     rate: 0/min}

            """)
        let matrix = try workspace.run(["check"])
        #expect(matrix.status == 65)
        #expect(matrix.output.contains(#"subscribers/hook.yaml:3: matrix.rate: "0/min" is not a rate: the count must be between 1 and 100000"#)
                || matrix.output.contains(#"subscribers/hook.yaml:4: matrix.rate: "0/min" is not a rate"#),
                "\(matrix.output)")
        #expect(try receiver.requests().isEmpty)
    }
}

/// Telegram's own limit, one message a second per chat, against the Bot API stand-in.
@Suite("Telegram throttling, end to end", .serialized)
struct TelegramThrottleTests {
    @Test("four alerts to one Telegram chat arrive at most one a second; another chat is not held behind them")
    func perChat() throws {
        let bot = try TelegramBotServer(token: ChatWorkspace.telegramToken)
        let chat = try ChatWorkspace(telegramAPI: bot.url)
        for n in 0..<4 { try chat.addTelegram("desk-\(n)", chat: "4242") }
        try chat.addTelegram("other", chat: "777")
        #expect(try chat.run().status == 0)
        try chat.workspace.moveCase()
        let run = try chat.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 5, retrying 0, dead 0"), "\(run.stdout)")
        let requests = try bot.requests().filter { $0.status == 200 }
        func chatID(_ request: TelegramBotServer.Request) -> String {
            ((try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any])?["chat_id"]
                .map { "\($0)" } ?? ""
        }
        let same = requests.filter { chatID($0) == "4242" }.map(\.receivedAt).sorted()
        let other = requests.filter { chatID($0) == "777" }.map(\.receivedAt)
        #expect(same.count == 4 && other.count == 1)
        let seconds = ThrottleEndToEndTests.perSecond(same)
        #expect(seconds.values.allSatisfy { $0 <= 1 }, "per second: \(seconds)")
        #expect(zip(same, same.dropFirst()).allSatisfy { $1 - $0 >= 1.0 })
        #expect(other[0] < same.last!)
        let attempts = try chat.attempts()
        #expect(attempts.count == 5 && attempts.allSatisfy { $0.hasPrefix("delivered|200|") })
    }
}
