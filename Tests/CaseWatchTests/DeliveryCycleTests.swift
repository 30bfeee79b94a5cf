import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Logging
import Testing

/// The delivery shell against the in-memory store and recording transports: every due entry is sent once, its
/// outcome recorded, and an entry that fails waits for its retry.
@Suite("Delivery cycle on the in-memory store")
struct DeliveryCycleTests {
    static let now = Date(timeIntervalSince1970: 1_764_240_000)

    static func draft(_ n: Int, channel: ChannelID) -> OutboxDraft {
        OutboxDraft(eventID: "evt_\(n)", subscriberID: "s\(n % 7)", channel: channel, recipient: "r\(n)",
                    messageID: "m\(n)", payload: Array("\(n)".utf8))
    }

    @Test("1,000 entries over four lanes and two channels: each sent once, outcomes recorded, failures retried",
          arguments: [1, 4])
    func deliversEverything(lanes: Int) async throws {
        let store = MemoryStateStore()
        try await store.enqueue((0..<1000).map { Self.draft($0, channel: $0 % 2 == 0 ? .email : .webhook) },
                                now: Self.now)
        let mail = RecordingChannel(id: .email)
        let hooks = RecordingChannel(id: .webhook) { job in
            job.draft.messageID.hasSuffix("3") ? .retryable(reason: "HTTP 503") : .delivered(detail: "HTTP 204")
        }
        let cycle = DeliveryCycle(
            queue: store, settings: DeliverySettings(channels: ChannelRegistry([mail, hooks]), concurrency: lanes,
                                                     retry: RetryPolicy(schedule: [60])),
            logger: Logger(label: "test"), clock: { Self.now }, jitter: { 0 })
        let report = try await cycle.run()
        #expect(report.attempted == 1000)
        #expect(report.retrying == 100)  // the webhooks whose number ends in 3
        let sent = mail.log.sent.map(\.outboxID) + hooks.log.sent.map(\.outboxID)
        #expect(sent.count == 1000 && Set(sent).count == 1000)
        #expect(mail.log.sent.allSatisfy { $0.draft.channel == .email })
        let status = try await store.status()
        #expect(status.delivered == 900 && status.queueDepth == 100)
        // The retries are not due again in the same cycle; a later one sends them.
        let later = DeliveryCycle(
            queue: store, settings: DeliverySettings(channels: ChannelRegistry([mail, RecordingChannel(id: .webhook)]),
                                                     concurrency: lanes, retry: RetryPolicy(schedule: [60])),
            logger: Logger(label: "test"), clock: { Self.now.addingTimeInterval(61) }, jitter: { 0 })
        #expect(try await later.run().delivered == 100)
        #expect(try await store.status().delivered == 1000)
    }

    @Test("an entry of a channel this CaseWatch does not have is a dead letter that says so")
    func unknownChannel() async throws {
        let store = MemoryStateStore()
        try await store.enqueue([Self.draft(1, channel: "carrier-pigeon")], now: Self.now)
        let cycle = DeliveryCycle(
            queue: store, settings: DeliverySettings(channels: ChannelRegistry([RecordingChannel(id: .email)]),
                                                     concurrency: 2, retry: RetryPolicy(schedule: [60])),
            logger: Logger(label: "test"), clock: { Self.now }, jitter: { 0 })
        #expect(try await cycle.run().dead == 1)
        #expect(try await store.outboxEntries(states: [.dead]).first?.lastError
            == "no channel \"carrier-pigeon\" in this CaseWatch")
    }

    @Test("a store that cannot record outcomes stops the run: the error is thrown, no more than the writer's queue and the transfers in flight were sent, and every entry stays due")
    func recordingFails() async throws {
        let store = MemoryStateStore()
        try await store.enqueue((0..<1000).map { Self.draft($0, channel: .webhook) }, now: Self.now)
        let hooks = RecordingChannel(id: .webhook)
        let cycle = DeliveryCycle(
            queue: FailingRecords(store: store),
            settings: DeliverySettings(channels: ChannelRegistry([hooks]), concurrency: 4,
                                       retry: RetryPolicy(schedule: [60])),
            logger: Logger(label: "test"), clock: { Self.now }, jitter: { 0 })
        await #expect(throws: StoreError.self) { try await cycle.run() }
        // Sent before the failure was seen: at most the batch that failed, the two waiting behind it, the one being
        // filled and the transfers in flight — never the whole queue.
        #expect(hooks.log.sent.count <= 4 * 32 + 4, "\(hooks.log.sent.count) sent")
        let status = try await store.status()
        #expect(status.delivered == 0 && status.queueDepth == 1000)
    }
}

/// An outbox whose outcome writes fail, as a store that went read-only or away would.
private struct FailingRecords: OutboxQueue {
    let store: MemoryStateStore

    func enqueue(_ drafts: [OutboxDraft], now: Date) async throws { try await store.enqueue(drafts, now: now) }
    func enqueue(now: Date, streaming produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void)
        async throws -> Int { try await store.enqueue(now: now, streaming: produce) }
    func rescueExpiredLeases(now: Date) async throws -> Int { 0 }
    func requeue(outboxID: Int64, now: Date) async throws -> OutboxEntry? { try await store.requeue(outboxID: outboxID, now: now) }
    func nextGeneration(eventID: String) async throws -> Int { try await store.nextGeneration(eventID: eventID) }
    func claims(dueAt cutoff: Date, owner: String) -> any ClaimSession {
        Session(claims: store.claims(dueAt: cutoff, owner: owner))
    }

    final class Session: ClaimSession, Sendable {
        let claims: any ClaimSession
        init(claims: any ClaimSession) { self.claims = claims }
        func claim(limit: Int) throws -> [DeliveryJob] { try claims.claim(limit: limit) }
        func complete(_ attempts: [AttemptRecord]) throws { throw StoreError(.unavailable, "the disk is full") }
    }
}
