import Foundation
import Logging
import Metrics

/// The second half of a cycle: send every outbox entry that is due, with `delivery.concurrency` lanes,
/// and write the outcomes back in batches.
///
/// Entries are claimed (`sending`) in batches before they are sent and their outcomes recorded in
/// batches after, so the store costs a few transactions per hundred deliveries. A crash between the two
/// leaves entries in `sending`; the next run puts them back to pending and sends them again, with the
/// same Message-ID / webhook-id — at-least-once, duplicates only among what was in flight.
public struct DeliveryCycle: Sendable {
    public let store: StateStore
    public let settings: DeliverySettings
    public let logger: Logger
    let clock: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    /// Asked before each new transfer; true stops the cycle (the daemon is shutting down).
    let shouldStop: @Sendable () -> Bool

    public init(
        store: StateStore, settings: DeliverySettings, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        shouldStop: @escaping @Sendable () -> Bool = { Task.isCancelled }
    ) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.jitter = jitter
        self.shouldStop = shouldStop
    }

    /// What a delivery cycle did.
    public struct Report: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var dead = 0
        public var attempted: Int { delivered + retrying + dead }
    }

    /// Entries claimed per transaction; also bounds memory, whatever the queue's depth.
    static let claimSize = 256
    /// Outcomes written per transaction; also bounds how many sent entries a crash can leave unrecorded.
    static let recordSize = 32

    /// Sends everything due when the cycle starts; entries that fail wait for a later cycle.
    ///
    /// The lanes pull from one queue that claims the next batch as soon as it runs dry, so a slow
    /// receiver holds up only its own lane. When `shouldStop` says so (the daemon stops), no new
    /// transfer starts: the ones in flight finish and are recorded, and entries claimed but not started
    /// go back to pending.
    public func run() async throws -> Report {
        let workers = (0..<max(1, settings.concurrency)).map { DeliveryWorker(index: $0, settings: settings) }
        let queue = ClaimQueue(store: store, cutoff: clock(), batchSize: Self.claimSize)
        let recorder = AttemptRecorder(store: store, batchSize: Self.recordSize)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask {
                    while !self.shouldStop(), let job = try await queue.next() {
                        try await recorder.add(await self.attempt(job, on: worker))
                    }
                }
            }
            try await group.waitForAll()
        }
        try await recorder.flush()
        let unstarted = await queue.drain()
        if !unstarted.isEmpty {
            try await store.release(outboxIDs: unstarted.map(\.outboxID))
            logger.notice("stopping: deliveries not started go back to the queue",
                          metadata: ["outbox.released": "\(unstarted.count)"])
        }
        // Closing a handle may wait for the server's goodbye (SMTP QUIT): done on each lane's own queue.
        for worker in workers { await worker.close() }
        return await recorder.report
    }

    private func attempt(_ job: DeliveryJob, on worker: DeliveryWorker) async -> AttemptRecord {
        let (result, started, duration) = await worker.attempt(job, clock: clock)
        let transition = OutboxTransition.after(
            result.outcome, attempts: job.attempts + 1, policy: settings.retry, now: started, jitter: jitter())
        let channel = job.draft.channel.rawValue
        Counter(label: "casewatch_deliveries_total", dimensions: [("channel", channel), ("outcome", result.outcome.label)])
            .increment()
        Timer(label: "casewatch_delivery_attempt_seconds", dimensions: [("channel", channel)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(duration * 1_000_000_000))
        func metadata() -> Logger.Metadata {
            [
                "outbox.id": "\(job.outboxID)", "event.id": "\(job.draft.eventID)",
                "subscriber.id": "\(job.draft.subscriberID)", "channel": "\(job.draft.channel.rawValue)",
                "outcome": "\(result.outcome.label)", "attempt": "\(job.attempts + 1)",
                "reason": "\(result.outcome.detail)",
            ]
        }
        switch transition.state {
        case .delivered:
            // Built only when debug lines are on: this runs for every delivery.
            if logger.logLevel <= .debug { logger.debug("delivered", metadata: metadata()) }
        case .retrying:
            logger.warning("delivery failed, will retry", metadata: metadata())
        default:
            logger.error("delivery failed for good, kept as a dead letter", metadata: metadata())
        }
        return AttemptRecord(job: job, outcome: result.outcome, transition: transition, startedAt: started,
                             duration: duration, code: result.code)
    }
}

/// Hands due entries to the lanes one at a time, claiming the next batch from the store when it runs
/// dry; only entries due when the cycle began are claimed, so a retry never comes round twice in a cycle.
actor ClaimQueue {
    private let store: StateStore
    private let cutoff: Date
    private let batchSize: Int
    private var buffer: [DeliveryJob] = []
    private var position = 0
    private var exhausted = false

    init(store: StateStore, cutoff: Date, batchSize: Int) {
        self.store = store
        self.cutoff = cutoff
        self.batchSize = batchSize
    }

    func next() async throws -> DeliveryJob? {
        while true {
            if position < buffer.count {
                position += 1
                return buffer[position - 1]
            }
            if exhausted { return nil }
            // One claim at a time: lanes that find the buffer empty while a claim is running wait for
            // that claim, which installs its batch before any of them resumes.
            try await (pendingClaim ?? startClaim()).value
        }
    }

    private var pendingClaim: Task<Void, Error>?

    private func startClaim() -> Task<Void, Error> {
        let task = Task { try await self.refill() }
        pendingClaim = task
        return task
    }

    private func refill() async throws {
        defer { pendingClaim = nil }
        let jobs = try await store.claimDue(now: cutoff, limit: batchSize)
        buffer = jobs
        position = 0
        if jobs.isEmpty { exhausted = true }
    }

    /// Takes every claimed entry not handed out yet.
    func drain() -> [DeliveryJob] {
        defer { position = buffer.count }
        return Array(buffer[position...])
    }
}

/// Buffers attempt records and writes them to the store in batches.
actor AttemptRecorder {
    private let store: StateStore
    private let batchSize: Int
    private var buffer: [AttemptRecord] = []
    private(set) var report = DeliveryCycle.Report()

    init(store: StateStore, batchSize: Int) {
        self.store = store
        self.batchSize = batchSize
    }

    func add(_ record: AttemptRecord) async throws {
        buffer.append(record)
        switch record.transition.state {
        case .delivered: report.delivered += 1
        case .retrying: report.retrying += 1
        default: report.dead += 1
        }
        if buffer.count >= batchSize { try await flush() }
    }

    func flush() async throws {
        guard !buffer.isEmpty else { return }
        let batch = buffer
        buffer.removeAll(keepingCapacity: true)
        try await store.record(attempts: batch)
    }
}
