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
