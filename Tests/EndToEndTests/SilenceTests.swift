import CaseWatchTesting
import Foundation
import Testing

/// `casewatch silence`: deliveries held back for a while, kept with the reason, sent on request.
@Suite("Silences", .serialized)
struct SilenceTests {
    let smtp: SMTPServer
    let receiver: HTTPReceiver
    let workspace: DeliveryWorkspace

    init() throws {
        smtp = try SMTPServer()
        receiver = try HTTPReceiver()
        workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("lawyer", address: "lawyer@example.org")
        try workspace.addWebhookSubscriber("coe", url: receiver.url)
        try workspace.run()
    }

    @Test("a silence holds back exactly what it matches, kept with its reason; expired, it matches no more; a silenced delivery can be sent on request")
    func silenceByCase() throws {
        let added = try workspace.run(["silence", "add", "--case", "moscow-helsinki-group-liquidation", "--for", "1h",
                                       "--reason", "reporting embargo until the hearing"])
        #expect(added.status == 0, "\(added.output)")
        #expect(try workspace.run(["silence", "add", "--case", "x", "--type", "case.updated", "--for", "1h",
                                   "--reason", "r"]).status == 64)
        #expect(try workspace.run(["silence", "add", "--type", "case.nonesuch", "--for", "1h", "--reason", "r"]).status == 64)
        try workspace.moveCase()
        try workspace.moveCase("sova-center-liquidation", to: "reported")
        let run = try workspace.run().stdout
        #expect(run.contains("4 delivery(ies) queued") && run.contains("sent 2"), "\(run)")
        #expect(try smtp.messages().count == 1 && receiver.requests().count == 1)
        let silenced = try workspace.outbox().filter { $0["state"] as? String == "silenced" }
        #expect(silenced.count == 2)
        #expect((silenced.first?["last_error"] as? String)?.hasSuffix(": reporting embargo until the hearing") == true)
        let list = try workspace.run(["silence", "list", "--json"]).stdout
        #expect(list.contains(#""matcher":"case""#) && list.contains(#""value":"moscow-helsinki-group-liquidation""#))

        // A silenced delivery is sent when the operator asks for it.
        let id = try #require(silenced.first?["id"] as? Int)
        #expect(try workspace.run(["outbox", "retry", "\(id)"]).status == 0)
        #expect(try workspace.run(["silence", "expire", "1"]).stdout.contains("silence 1 expired"))
        #expect(try workspace.run(["silence", "expire", "1"]).status == 65)
        #expect(try workspace.run().stdout.contains("sent 1"))
        // Expired, the silence holds back nothing more.
        try workspace.moveCase(to: "closed")
        #expect(try workspace.run().stdout.contains("sent 2"))
        #expect(try workspace.run(["silence", "list"]).stdout.contains("1 expired case moscow-helsinki-group-liquidation"))
    }

    @Test("a silence of one subscriber holds back their deliveries only")
    func silenceBySubscriber() throws {
        _ = try workspace.run(["silence", "add", "--subscriber", "coe", "--for", "30m", "--reason", "system migration"])
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 1"))
        #expect(try smtp.messages().count == 1 && receiver.requests().isEmpty)
    }
}
