import CaseWatchTesting
import Foundation
import Testing

/// The delivery engine as a receiver sees it: HTTP transfers side by side on libcurl's multi interface, never more
/// than `delivery.concurrency` at once, over connections that are kept and reused.
@Suite("Delivery engine, end to end", .serialized)
struct DeliveryEngineTests {
    @Test("twelve webhooks to a receiver that takes half a second each, concurrency 4: four at a time, never more, over at most four kept-alive connections, each once")
    func transfersSideBySide() throws {
        let receiver = try HTTPReceiver(script: Array(repeating: "204 sleep=0.5", count: 12))
        let workspace = try DeliveryWorkspace(smtp: nil, concurrency: 4)
        for n in 0..<12 {
            try workspace.directory.write("subscribers/hook-\(n).yaml", ThrottleEndToEndTests.webhook(
                "hook-\(n)", url: receiver.url + "/hook", rate: nil))
        }
        #expect(try workspace.run().status == 0)
        try workspace.moveCase()
        let run = try workspace.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 12, retrying 0, dead 0"), "\(run.stdout)")

        let requests = try receiver.requests()
        #expect(requests.count == 12)
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 12)
        // Each request holds its connection for half a second: no more than four arrive within any 0.45 s, and
        // twelve need at least three rounds.
        let times = requests.map(\.receivedAt).sorted()
        let busiest = times.map { start in times.filter { $0 >= start && $0 < start + 0.45 }.count }.max() ?? 0
        #expect(busiest >= 2 && busiest <= 4, "at most \(busiest) within 0.45 s: \(times)")
        #expect(times.last! - times.first! >= 0.9, "\(times)")
        // Connections are kept between requests, and no more are opened than transfers may run at once.
        let connections = Set(requests.map(\.clientPort))
        #expect(connections.count >= 2 && connections.count <= 4, "\(connections.count) connections")
        #expect(!connections.contains(0))

        let outbox = try workspace.outbox()
        #expect(outbox.count == 12)
        #expect(outbox.allSatisfy { $0["state"] as? String == "delivered" && $0["attempts"] as? Int == 1 },
                "\(outbox)")
    }
}
