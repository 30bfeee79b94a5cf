import CaseWatchTesting
import Foundation
import Testing

/// `delivery.hold`: the catch between an operator's mistaken edit and a reader's inbox.
@Suite("The hold window", .serialized)
struct HoldTests {
    static let hold = 2.0
    let smtp: SMTPServer
    let receiver: HTTPReceiver
    let workspace: DeliveryWorkspace
    let casePath = "registry/moscow-helsinki-group-liquidation.yaml"

    init() throws {
        smtp = try SMTPServer()
        receiver = try HTTPReceiver()
        workspace = try DeliveryWorkspace(smtp: smtp, hold: "\(Int(Self.hold))s")
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
    }

    func events() throws -> [[String: Any]] {
        try workspace.run(["events", "--json"]).stdout.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func waitOutTheHold() { usleep(UInt32((Self.hold + 0.3) * 1_000_000)) }

    @Test("without a second edit, the alerts leave once the hold has passed, not before")
    func alertsLeaveAfterTheHold() throws {
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("2 delivery(ies) queued; sent 0"))
        waitOutTheHold()
        #expect(try workspace.run().stdout.contains("sent 2"))
        #expect(try smtp.messages().count == 1 && receiver.requests().count == 1)
    }

    @Test("an edit undone within the hold sends nothing: the event and its deliveries are withdrawn, with the reason")
    func undoneWithinTheHold() throws {
        let original = try workspace.directory.read(casePath)
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("1 new event(s) recorded"))
        try workspace.directory.write(casePath, original)
        let undone = try workspace.run()
        #expect(undone.status == 0)
        #expect(undone.stdout.contains("0 new event(s) recorded"), "\(undone.stdout)")
        waitOutTheHold()
        #expect(try workspace.run().stdout.contains("sent 0, retrying 0, dead 0"))
        #expect(try smtp.messages().isEmpty && receiver.requests().isEmpty)
        let outbox = try workspace.outbox()
        #expect(outbox.count == 2 && outbox.allSatisfy { $0["state"] as? String == "withdrawn" })
        #expect(outbox.first?["last_error"] as? String == "withdrawn: the change was undone within the hold")
        #expect(try events().map { $0["withdrawn"] as? String } == ["the change was undone within the hold"])
        // Made again later, the change is a new event and is sent.
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("1 new event(s) recorded"))
        waitOutTheHold()
        #expect(try workspace.run().stdout.contains("sent 2"))
    }

    @Test("a step's date corrected within the hold: one alert with the corrected date, and no correction")
    func correctedWithinTheHold() throws {
        try workspace.moveCase()
        _ = try workspace.run()
        let wrong = try workspace.directory.read(casePath)
        try workspace.directory.write(casePath, wrong.replacingOccurrences(of: "{date: 2026-10-01, status: cassation_filed}",
                                                                           with: "{date: 2026-10-03, status: cassation_filed}"))
        let fixed = try workspace.run()
        #expect(fixed.stdout.contains("1 new event(s) recorded"), "\(fixed.stdout)")
        waitOutTheHold()
        #expect(try workspace.run().stdout.contains("sent 2"))
        let messages = try smtp.messages()
        #expect(messages.count == 1)
        #expect(messages.first?.text.contains("Subject: Russia: Moscow Helsinki Group") == true
            || messages.first?.text.contains("Subject: =?UTF-8?") == true)
        let types = try events().map { ($0["type"] as? String ?? "", $0["withdrawn"] != nil) }
        #expect(types.map(\.0) == ["case.status_changed", "case.status_changed"])
        #expect(types.map(\.1) == [true, false])
        let body = try #require(receiver.requests().first?.body)
        #expect(body.contains("2026-10-03") && !body.contains("2026-10-01") && !body.contains("case.corrected"))
    }

    @Test("events withdraw before the hold has passed: nothing is sent, the deliveries are kept with the reason")
    func withdrawByHand() throws {
        try workspace.moveCase()
        _ = try workspace.run()
        let id = try #require(try events().first?["id"] as? String)
        let withdrawn = try workspace.run(["events", "withdraw", id, "--reason", "entered on the wrong case"])
        #expect(withdrawn.stdout.contains("2 delivery(ies) stopped"), "\(withdrawn.output)")
        #expect(try workspace.run(["events", "withdraw", "evt_nonesuch"]).status == 65)
        waitOutTheHold()
        #expect(try workspace.run().stdout.contains("sent 0"))
        #expect(try smtp.messages().isEmpty && receiver.requests().isEmpty)
        #expect(try workspace.outbox().allSatisfy { $0["last_error"] as? String == "withdrawn: entered on the wrong case" })
        #expect(try workspace.run(["events"]).stdout.contains("[withdrawn: entered on the wrong case]"))
    }
}
