import CaseWatchTesting
import Foundation
import Testing

/// `channels: [webhook, email]` after queueing: alerts queued for a webhook that answers 410 (and is disabled) reach
/// the subscriber by e-mail instead, once each, with real cycles of the binary, a real SQLite store, a real HTTP
/// receiver and a real SMTP peer.
@Suite("Channel fallback after queueing", .serialized)
struct ChannelFallbackDeliveryTests {
    /// A subscriber with a webhook and an e-mail address, with or without a `channels:` list.
    func workspace(smtp: SMTPServer, hook: HTTPReceiver, fallback: Bool) throws -> DeliveryWorkspace {
        let workspace = try DeliveryWorkspace(smtp: smtp, concurrency: 1)
        try workspace.directory.write("subscribers/desk.yaml", """
            id: desk
            name: Desk
            language: en
            email: desk@example.org
            webhook:
              url: \(hook.url)/hook
              secret_env: HOOK_SECRET
            \(fallback ? "channels: [webhook, email]" : "")

            """)
        return workspace
    }

    /// The `X-CaseWatch` line of each message: the event type and id it carries.
    func tags(_ smtp: SMTPServer) throws -> [String] {
        try smtp.messages().map { message in
            message.text.components(separatedBy: "\r\n").first { $0.hasPrefix("X-CaseWatch: ") } ?? "none"
        }
    }

    @Test("two alerts queued for a webhook that answers 410 reach the subscriber by e-mail, each once; later cycles send nothing more")
    func webhookGoneFallsBackToEmail() throws {
        let smtp = try SMTPServer()
        defer { smtp.stop() }
        // The first alert meets a 500 (to be retried), the second a 410, which disables the webhook: the first is
        // then settled unsent when its retry comes due.
        let hook = try HTTPReceiver(script: ["500", "410"], defaultStatus: 204)
        defer { hook.stop() }
        let workspace = try workspace(smtp: smtp, hook: hook, fallback: true)
        try workspace.run()  // first sync: silent
        try workspace.moveCase()
        try workspace.moveCase(to: "closed")
        let first = try workspace.run()
        #expect(first.stderr.contains("alert moved on to the subscriber's next channel"), "\(first.stderr)")
        #expect(!first.stderr.contains(hook.url + "/hook") && first.stderr.contains("endpoint=\(hook.url)/…#"),
                "the endpoint is shown as its origin and a hash, never its path")
        usleep(300_000)  // the 500's retry comes due
        try workspace.run()
        let outbox = try workspace.outbox()
        let webhooks = outbox.filter { $0["channel"] as? String == "webhook" }
        let webhookEvents = Set(webhooks.compactMap { $0["event_id"] as? String })
        #expect(webhooks.count == 2 && webhooks.allSatisfy { $0["state"] as? String == "dead" }, "\(outbox)")
        #expect(webhookEvents.count == 2)
        let mails = outbox.filter { $0["channel"] as? String == "email" }
        #expect(mails.count == 2, "\(outbox)")
        #expect(Set(mails.compactMap { $0["event_id"] as? String }) == webhookEvents, "one e-mail per stranded alert")
        #expect(mails.allSatisfy { $0["generation"] as? Int == 1 && $0["state"] as? String == "delivered" }, "\(mails)")
        // On the wire: two messages to the subscriber, one for each event.
        let received = try smtp.messages()
        #expect(received.map(\.recipients) == [["desk@example.org"], ["desk@example.org"]])
        let carried = try tags(smtp)
        for event in webhookEvents { #expect(carried.filter { $0.contains(event) }.count == 1, "\(carried)") }
        #expect(try hook.requests().count == 2, "the disabled webhook is not tried again")

        // Further cycles: nothing is re-planned or sent again.
        let third = try workspace.run()
        #expect(!third.stderr.contains("moved on"), "\(third.stderr)")
        try workspace.run()
        #expect(try smtp.messages().count == 2)
        #expect(try hook.requests().count == 2)
        #expect(try workspace.outbox().count == 4)
    }

    @Test("without a channels list every channel had the alert already: a disabled webhook re-plans nothing by e-mail")
    func withoutChannelsListNothingMoves() throws {
        let smtp = try SMTPServer()
        defer { smtp.stop() }
        let hook = try HTTPReceiver(script: ["410"], defaultStatus: 410)
        defer { hook.stop() }
        let workspace = try workspace(smtp: smtp, hook: hook, fallback: false)
        try workspace.run()
        try workspace.moveCase()
        let first = try workspace.run()
        #expect(!first.stderr.contains("moved on"), "\(first.stderr)")
        try workspace.run()
        let outbox = try workspace.outbox()
        #expect(outbox.allSatisfy { $0["generation"] as? Int == 0 }, "no new generation: \(outbox)")
        #expect(outbox.filter { $0["channel"] as? String == "webhook" }.map { $0["state"] as? String } == ["dead"])
        #expect(outbox.filter { $0["channel"] as? String == "email" }.count == 1, "the e-mail queued with the alert")
        #expect(try smtp.messages().count == 1, "the one e-mail of the alert, not a second")
        #expect(try hook.requests().count == 1)
    }
}

/// The same with a Matrix room on a real Synapse: the bot kicked from the room, the alert queued for it meets
/// 403 M_FORBIDDEN, and reaches the subscriber as an e-mail (the mail file transport) in the same cycle.
@Suite("Channel fallback after queueing, Matrix on Synapse", .serialized)
struct MatrixChannelFallbackTests {
    @Test("channels: [matrix, email]: the alert refused by the room (403 M_FORBIDDEN) arrives by e-mail once")
    func kickedBotFallsBackToEmail() throws {
        let synapse = try SynapseServer.shared.get()
        let room = try synapse.newRoom()
        let chat = try ChatWorkspace(matrix: true, matrixToken: synapse.bot.accessToken)
        try chat.workspace.directory.write("subscribers/desk.yaml", """
            id: desk
            name: Desk
            language: en
            email: desk@example.org
            matrix: {homeserver: "\(synapse.baseURL)", room_id: "\(room)", access_token_env: CW_MATRIX_TOKEN}
            channels: [matrix, email]

            """)
        let mailbox = chat.workspace.directory.url.appendingPathComponent("var/mail")
        func mails() throws -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: mailbox.path)) ?? []
            return try names.sorted().map { try String(contentsOf: mailbox.appendingPathComponent($0), encoding: .utf8) }
        }
        try chat.run()
        try chat.workspace.moveCase()
        #expect(try chat.run().stdout.contains("sent 1"))
        #expect(try mails().isEmpty, "the room takes the alerts while it works")
        try synapse.kickBot(from: room)
        try chat.workspace.moveCase(to: "closed")
        let refused = try chat.run()
        #expect(refused.stderr.contains("alert moved on to the subscriber's next channel"), "\(refused.output)")
        #expect(!refused.output.contains(synapse.bot.accessToken))
        let outbox = try chat.workspace.outbox()
        let stranded = try #require(outbox.first { $0["channel"] as? String == "matrix" && $0["state"] as? String == "dead" })
        let event = try #require(stranded["event_id"] as? String)
        let mailed = try mails()
        #expect(mailed.count == 1 && mailed[0].contains(event) && mailed[0].contains("To: Desk <desk@example.org>"),
                "\(mailed.map { $0.prefix(300) })")
        #expect(try chat.run().stdout.contains("sent 0"))
        #expect(try mails().count == 1, "nothing sent twice")
        #expect(try synapse.messages(in: room).count == 1)
    }
}
