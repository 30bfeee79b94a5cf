import CaseWatchTesting
import Foundation
import Testing

/// `casewatch subscribers`: the operator's view of who gets what, and the levers on a person's data.
@Suite("The subscribers command", .serialized)
struct SubscribersTests {
    let smtp: SMTPServer
    let workspace: DeliveryWorkspace

    init() throws {
        smtp = try SMTPServer()
        workspace = try DeliveryWorkspace(smtp: smtp)
        try workspace.addEmailSubscriber("lawyer", address: "counsel.lawyer@example.org")
        try workspace.addEmailSubscriber("desk", address: "desk@example.org", language: "fr")
        try workspace.run()
    }

    func json(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try workspace.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.output)")
        return result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func state(_ subscriber: String) throws -> String? {
        let view = try json(["subscribers", "show", subscriber, "--json"]).first
        return ((view?["endpoints"] as? [[String: Any]])?.first)?["state"] as? String
    }

    @Test("list and show: channels, delivery, filter; unsubscribe and resubscribe by the operator take effect on the next cycle")
    func unsubscribeAndResubscribe() throws {
        let list = try json(["subscribers", "list", "--json"])
        #expect(list.map { $0["id"] as? String } == ["desk", "lawyer"])
        #expect(try state("lawyer") == "active")
        #expect(try workspace.run(["subscribers", "show", "nobody"]).status == 65)

        #expect(try workspace.run(["subscribers", "unsubscribe", "lawyer"]).stdout.contains("lawyer unsubscribed: email"))
        #expect(try state("lawyer") == "unsubscribed")
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 1"))
        #expect(try smtp.messages().map(\.recipients) == [["desk@example.org"]])

        #expect(try workspace.run(["subscribers", "resubscribe", "lawyer"]).stdout.contains("resubscribed: email"))
        #expect(try state("lawyer") == "active")
        try workspace.moveCase(to: "closed")
        #expect(try workspace.run().stdout.contains("sent 2"))
        let text = try workspace.run(["subscribers", "show", "lawyer"]).stdout
        #expect(text.contains("lawyer (Reader lawyer, en, immediate): email counsel.lawyer@example.org active"), "\(text)")
    }

    @Test("erase leaves no trace of the address or the name in the SQLite file (sqlite3 .dump), and the address stays unsubscribed")
    func erase() throws {
        try workspace.moveCase()
        #expect(try workspace.run().stdout.contains("sent 2"))
        _ = try workspace.run(["subscribers", "unsubscribe", "lawyer"])
        let erased = try json(["subscribers", "erase", "lawyer", "--json"]).first
        #expect(erased?["outbox_entries"] as? Int == 1 && erased?["opt_outs"] as? Int == 1, "\(String(describing: erased))")

        let store = workspace.directory.url.appendingPathComponent("var/casewatch.sqlite").path
        let text = try SQLiteShell.run(store, ".dump")
        #expect(text.contains("desk@example.org"), "the other reader's entry is still there")
        #expect(!text.contains("counsel.lawyer"), "the erased address is gone from the store")
        #expect(!text.contains("Reader lawyer"), "and the name, which the rendered e-mail carried")
        // Nor in the file's free pages or its WAL.
        for file in [store, store + "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            #expect(bytes.range(of: Data("counsel.lawyer".utf8)) == nil, "\(file)")
        }
        // The subscriber file is still there (erase does not touch the operator's files): the address stays unsubscribed.
        #expect(try state("lawyer") == "erased")
        try workspace.moveCase(to: "closed")
        let after = try workspace.run().stdout
        #expect(after.contains("1 delivery(ies) queued") && after.contains("sent 1"), "\(after)")
        let recipients = try smtp.messages().map(\.recipients)
        #expect(recipients.filter { $0 == ["counsel.lawyer@example.org"] }.count == 1, "only the one sent before: \(recipients)")
        #expect(recipients.count == 3)
    }
}
