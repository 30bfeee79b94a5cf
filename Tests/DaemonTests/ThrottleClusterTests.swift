import CaseWatchTesting
import Foundation
import Testing

/// Per-endpoint rates held by several nodes together: the slots live in PostgreSQL, so two `serve` nodes delivering
/// to one throttled webhook never put it over its rate between them.
@Suite("Per-endpoint rates across nodes on one PostgreSQL", .serialized)
struct ThrottleClusterTests {
    @Test("two nodes deliver a burst to one webhook with rate: 5/s: both send, and no second of the receiver's log holds more than 5")
    func twoNodesHoldOneRate() throws {
        let receiver = try HTTPReceiver()
        let cluster = try ClusterTests.Cluster(subscribers: 0, receiver: receiver)
        defer { cluster.stop() }
        // Twenty subscribers share one endpoint and its rate.
        for index in 0..<20 {
            try cluster.directory.write("subscribers/partner-\(index).yaml", """
                id: partner-\(index)
                name: Partner \(index)
                language: en
                webhook: {url: "\(receiver.url)/shared", secret_env: HOOK, rate: 5/s}

                """)
        }
        for name in ["a", "b"] { try cluster.start(name) }
        #expect(try ClusterTests.wait(30) { try cluster.status("a")["last_cycle"] != nil })
        try cluster.addCases(["throttled-1", "throttled-2"])
        let expected = 2 * 20
        #expect(try ClusterTests.wait(90) {
            Set(try receiver.requests().compactMap { $0.headers["webhook-id"] }).count >= expected
        })
        let requests = try receiver.requests()
        #expect(requests.count == expected && Set(requests.compactMap { $0.headers["webhook-id"] }).count == expected)
        let seconds = ThrottleEndToEndTestsShared.perSecond(requests.map(\.receivedAt))
        #expect(seconds.values.allSatisfy { $0 <= 5 }, "per second: \(seconds.sorted { $0.key < $1.key })")
        #expect(try ClusterTests.wait(10) {
            try cluster.sql("SELECT count(*) FROM outbox WHERE state = 'delivered' AND attempts = 1") == "\(expected)"
        })
        #expect(try cluster.sql("SELECT count(*) FROM attempt") == "\(expected)")
        // Both nodes took part: each cycle logs what it delivered.
        for name in ["a", "b"] {
            let log = cluster.nodes[name]?.log() ?? ""
            let delivered = log.matches(of: /cycle\.delivered=(\d+)/).compactMap { Int($0.output.1) }.reduce(0, +)
            #expect(delivered > 0, "node \(name) delivered nothing")
        }
        #expect(try cluster.sql("SELECT count(*) FROM throttle_slot") == "1")
    }
}

/// Counting on the receiver's clock, shared with the end-to-end tests' way of counting.
enum ThrottleEndToEndTestsShared {
    static func perSecond(_ times: [Double]) -> [Int: Int] {
        Dictionary(grouping: times, by: { Int($0.rounded(.down)) }).mapValues(\.count)
    }
}
