import CaseWatchModel
import CaseWatchPipeline
import CaseWatchPostgres
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Testing

/// What several nodes on one PostgreSQL rely on beyond the conformance suite: leases on claims, outcomes written by
/// the lease's owner only, and one detector at a time. Two stores on one database stand for two nodes.
@Suite("PostgreSQL nodes")
struct PostgresClusterTests {
    /// Two nodes' stores on a fresh database, with a short lease.
    static func nodes(lease: TimeInterval) async throws -> (PostgresStateStore, PostgresStateStore) {
        let server = PostgresServer.shared
        let url = server.url(database: try server.createDatabase())
        return (try await PostgresStateStore(url: url, password: nil, nodeID: "a", lease: lease),
                try await PostgresStateStore(url: url, password: nil, nodeID: "b", lease: lease))
    }

    static func draft(_ subscriber: String) -> OutboxDraft {
        OutboxDraft(eventID: "evt_1", subscriberID: subscriber, channel: .webhook,
                    recipient: "https://hooks.example.org/\(subscriber)", messageID: "msg_\(subscriber)",
                    payload: Array("{\"to\":\"\(subscriber)\"}".utf8), secretEnv: "S")
    }

    static func attempt(_ job: DeliveryJob, _ outcome: DeliveryOutcome, at now: Date) -> AttemptRecord {
        AttemptRecord(job: job, outcome: outcome,
                      transition: .after(outcome, attempts: job.attempts + 1, policy: RetryPolicy(schedule: [60, 600]),
                                         now: now, jitter: 0),
                      startedAt: now, duration: 0.01, code: nil)
    }

    /// Runs `body` on a thread of its own, as the delivery lanes call claim sessions.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test("a claim leases its entries: another node gets none of them until the lease ends, then takes them over")
    func leases() async throws {
        let (a, b) = try await Self.nodes(lease: 30)
        let now = Date()
        try await a.enqueue([Self.draft("s1"), Self.draft("s2")], now: now)
        let first = try await Self.onThread { try a.claims(dueAt: now, owner: "a/1").claim(limit: 1) }
        #expect(first.count == 1)
        let beside = try await Self.onThread { try b.claims(dueAt: now, owner: "b/1").claim(limit: 10) }
        #expect(beside.count == 1)
        #expect(!beside.map(\.outboxID).contains(first[0].outboxID))
        // Past the lease (on the run's clock), the entry the first node never finished is any node's again.
        let later = now.addingTimeInterval(31)
        let rescued = try await Self.onThread { try b.claims(dueAt: later, owner: "b/2").claim(limit: 10) }
        #expect(rescued.map(\.outboxID).contains(first[0].outboxID))
    }

    @Test("a stale node's late outcome does not overwrite the new owner's")
    func staleOutcome() async throws {
        let (a, b) = try await Self.nodes(lease: 30)
        let now = Date()
        try await a.enqueue([Self.draft("s1")], now: now)
        let stale = try await Self.onThread { try a.claims(dueAt: now, owner: "a/1").claim(limit: 1) }
        #expect(stale.count == 1)
        // Node a stalls past its lease; node b takes the entry over and delivers it.
        let later = now.addingTimeInterval(31)
        let fresh = try await Self.onThread { () -> [DeliveryJob] in
            let session = b.claims(dueAt: later, owner: "b/1")
            let jobs = try session.claim(limit: 1)
            try session.complete(jobs.map { Self.attempt($0, .delivered(detail: "204"), at: later) })
            return jobs
        }
        #expect(fresh.map(\.outboxID) == stale.map(\.outboxID))
        // Node a wakes up and reports the failure it met long ago: it no longer holds the lease, so it writes nothing.
        try await Self.onThread {
            try a.claims(dueAt: now, owner: "a/1").complete(stale.map {
                Self.attempt($0, .permanent(reason: "550 from a stale node"), at: now)
            })
        }
        let entries = try await a.outboxEntries(states: nil, limit: 10)
        #expect(entries.map(\.state) == [.delivered])
        #expect(entries.first?.lastError == nil)
        let attempts = try await a.attempts(outboxID: stale[0].outboxID)
        #expect(attempts.count == 1)
        #expect(!attempts.contains { ($0.detail ?? "").contains("stale") })
    }

    @Test("a node renews its leases while it works, so no other node takes its entries meanwhile")
    func renewal() async throws {
        let (a, b) = try await Self.nodes(lease: 2)
        try await a.enqueue([Self.draft("s1")], now: Date())
        let session = a.claims(dueAt: Date(), owner: "a/1")
        #expect(session.renewalInterval.map { $0 < 2 } == true)
        let held = try await Self.onThread { try session.claim(limit: 1) }
        #expect(held.count == 1)
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(900))
            try await Self.onThread { try session.renew() }
        }
        // 2.7 s after the claim: past the first lease, but renewed.
        let beside = try await Self.onThread { try b.claims(dueAt: Date(), owner: "b/1").claim(limit: 1) }
        #expect(beside.isEmpty)
        // Unrenewed, it runs out.
        try await Task.sleep(for: .milliseconds(2_300))
        let rescued = try await Self.onThread { try b.claims(dueAt: Date(), owner: "b/2").claim(limit: 1) }
        #expect(rescued.map(\.outboxID) == held.map(\.outboxID))
    }

    @Test("one detector at a time: the leader renews, a dead leader is replaced after its lease, a node whose configuration differs refuses and says why, and a leader that stops gives the lease back at once")
    func leadership() async throws {
        let (a, b) = try await Self.nodes(lease: 10)
        let now = Date()
        #expect(try await a.lead(node: "a", configDigest: "d1", ttl: 10, now: now).leads)
        let follower = try await b.lead(node: "b", configDigest: "d1", ttl: 10, now: now)
        #expect(!follower.leads)
        #expect(follower.leader == "a")
        #expect(try await a.lead(node: "a", configDigest: "d1", ttl: 10, now: now.addingTimeInterval(5)).leads)
        // a stops renewing: within its lease b still follows; after it, b takes over.
        #expect(try await !b.lead(node: "b", configDigest: "d1", ttl: 10, now: now.addingTimeInterval(14)).leads)
        #expect(try await b.lead(node: "b", configDigest: "d1", ttl: 10, now: now.addingTimeInterval(16)).leads)
        #expect(try await !a.lead(node: "a", configDigest: "d1", ttl: 10, now: now.addingTimeInterval(17)).leads)
        let nodes = try await a.nodes(now: now.addingTimeInterval(17), ttl: 10)
        #expect(nodes.map(\.id) == ["b", "a"])
        #expect(nodes.map(\.leads) == [true, false])
        // b dies; c, whose registry differs from what b recorded, must not lead (a stale registry would retract).
        let refused = try await a.lead(node: "c", configDigest: "d2", ttl: 10, now: now.addingTimeInterval(40))
        #expect(!refused.leads)
        #expect(refused.refusal?.contains("differs") == true, "\(refused)")
        #expect(try await a.lead(node: "a", configDigest: "d1", ttl: 10, now: now.addingTimeInterval(41)).leads)
        // a stops and gives the lease back: c, even with another configuration, leads at once.
        try await a.resign(node: "a")
        #expect(try await a.lead(node: "c", configDigest: "d2", ttl: 10, now: now.addingTimeInterval(42)).leads)
    }
}
