import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import Logging
import Metrics

/// The second half of a cycle: send every outbox entry that is due, with `delivery.concurrency` lanes,
/// and write the outcomes back in batches.
///
/// Entries are claimed in batches before they are sent and their outcomes recorded in batches after, so
/// the store costs a few transactions per hundred deliveries. An entry stays due until its outcome is
/// recorded, so a crash between the two leaves it due, and the next run sends it again, with the same
/// Message-ID / webhook-id — at-least-once, duplicates only among what was in flight.
package struct DeliveryCycle: Sendable {
    package let queue: any OutboxQueue
    package let settings: DeliverySettings
    package let logger: Logger
    let clock: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    /// Asked before each new transfer; true stops the cycle (the daemon is shutting down).
    let shouldStop: @Sendable () -> Bool
    /// Who holds the claims (a node's name where several share a store).
    let owner: String
    /// The rates subscriber files give their endpoints; the channels add their own (``AlertChannel/throttle(_:rate:)``).
    let rates: EndpointRates
    /// How long the run waits for a throttled endpoint's next slot; a later slot puts the delivery off to a later
    /// cycle (`serve` picks it up then; the next `run --once` does).
    let throttleHorizon: TimeInterval

    /// 30 seconds: a cron tick with a burst to a throttled endpoint sends the first half-minute's worth itself.
    package static let defaultThrottleHorizon: TimeInterval = 30

    package init(
        queue: any OutboxQueue, settings: DeliverySettings, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        shouldStop: @escaping @Sendable () -> Bool = { Task.isCancelled },
        owner: String = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier),
        rates: EndpointRates = EndpointRates(), throttleHorizon: TimeInterval = DeliveryCycle.defaultThrottleHorizon
    ) {
        self.rates = rates
        self.throttleHorizon = throttleHorizon
        self.queue = queue
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.jitter = jitter
        self.shouldStop = shouldStop
        self.owner = owner
    }

    package typealias Report = DeliveryRun.Report

    /// Entries claimed per transaction; also bounds memory, whatever the queue's depth.
    static let claimSize = 256
    /// Outcomes written per transaction; also bounds how many sent entries a crash can leave unrecorded.
    static let recordSize = 32

    /// Sends everything due when the cycle starts; entries that fail wait for a later cycle.
    ///
    /// One thread coordinates (``DeliveryEngine``): it claims, asks the throttle, signs and starts up to
    /// `delivery.concurrency` transfers at once — HTTP ones on libcurl's multi interface (``HTTPEventLoop``), the
    /// others (SMTP sessions, files, Telegram's parts) on lanes of their own — and records their outcomes in
    /// batches; never on Swift's cooperative threads. When `shouldStop` says so (the daemon stops), no new transfer
    /// starts: the ones in flight finish and are recorded, and entries claimed but not started stay queued for the
    /// next cycle.
    package func run() async throws -> Report {
        let cutoff = clock()
        let started = Date()
        let session = queue.claims(dueAt: cutoff, owner: owner)
        // Where claims hold a lease (nodes sharing PostgreSQL), a node keeps a throttled delivery for at most one
        // lease: a longer wait goes back to the queue, for whichever node is free when its slot comes.
        let horizon = session.renewalInterval.map { min(throttleHorizon, $0 * 3) } ?? throttleHorizon
        let throttling = (queue as? any ThrottleStore).map { store in
            DeliveryThrottling(store: store, owner: owner, horizon: horizon, channels: settings.channels,
                               rates: rates, now: { cutoff.addingTimeInterval(Date().timeIntervalSince(started)) })
        }
        let shell = DeliveryEngine(session: session, capacity: settings.concurrency, channels: settings.channels,
                                   throttling: throttling, clock: clock)
        // `shouldStop` may read task-local state (a graceful shutdown), so it is asked here, in the task.
        let watcher = Task {
            while !shell.finished {
                if shouldStop() {
                    shell.requestStop()
                    break
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { watcher.cancel() }
        // The watcher runs in a task of its own, which does not see this task's cancellation.
        try await withTaskCancellationHandler {
            try await shell.run { job, result, started, ended in self.record(job, result, started: started, ended: ended) }
        } onCancel: {
            shell.requestStop()
        }
        let unstarted = shell.unstarted
        if !unstarted.isEmpty {
            logger.notice("stopping: deliveries not started stay queued for the next cycle",
                          metadata: ["outbox.unstarted": "\(unstarted.count)"])
        }
        return shell.report
    }

    /// The attempt's record: the entry's next state, counted and logged.
    private func record(_ job: DeliveryJob, _ result: SendResult, started: Date, ended: Date) -> AttemptRecord {
        let duration = ended.timeIntervalSince(started)
        let transition = OutboxTransition.after(
            result.outcome, attempts: job.attempts + 1, deferrals: job.deferrals, firstDueAt: job.firstDueAt,
            policy: settings.retry, now: started, jitter: jitter())
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
