import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Curl
import Foundation

/// The shell around one ``DeliveryRun``: one coordinating thread asks the state machine for work and keeps up to
/// `delivery.concurrency` transfers in flight (a stop lets those finish, and a receiver sees no more at once).
///
/// - An HTTP delivery (webhooks, Matrix: ``HTTPChannelTransport``) is signed and started on libcurl's multi interface
///   (``HTTPTransfers``), which the coordinator drives itself: it is the run's event loop, so a transfer costs no
///   hand-over between threads; the answers that landed while it worked are recorded together.
/// - Any other delivery (an SMTP session, a file, a Telegram alert in parts) goes to a ``BlockingLanes`` thread.
/// - Claims and throttle decisions happen on the coordinating thread, between turns of the transfers, a batch at a time
///   (``DeliveryRun``'s `claimSize`); outcomes are written `recordSize` at a time by an ``OutcomeWriter`` while
///   transfers go on.
///
/// `run` suspends the calling task until every transfer started has ended and its outcome is written.
final class DeliveryEngine: @unchecked Sendable {  // guarded by `condition`; `httpTransports` is the coordinator's
    /// How an attempt becomes its record: the outcome, the entry's next state, the metrics and log lines.
    typealias Recorder = @Sendable (DeliveryJob, SendResult, _ started: Date, _ ended: Date) -> AttemptRecord

    private let session: any ClaimSession
    /// Writes outcomes while transfers go on.
    private let writer: OutcomeWriter
    /// Holds endpoints to their rates; nil when the store keeps no slots.
    private let throttling: DeliveryThrottling?
    private let channels: ChannelRegistry
    /// `delivery.concurrency`: transfers started and not yet recorded, and blocking lanes, at most. (Four transfers
    /// per connection, queued in libcurl, sent more webhooks a second in an earlier design, but a stop would then
    /// send what was queued, and a receiver would see more requests at once than the setting says.)
    private let capacity: Int
    private let clock: @Sendable () -> Date
    private let condition = NSCondition()
    private var state: DeliveryRun
    private var failure: Error?
    /// Transfers started and not yet recorded.
    private var inFlight = 0
    /// Wakes the coordinator from its wait on the transfers (a blocking lane's transfer ended, a stop).
    private var waker: HTTPTransfers.Waker?
    /// Transfers that ended since the coordinator last looked.
    private var ended: [(job: DeliveryJob, result: SendResult, started: Date, ended: Date)] = []
    private var over = false
    /// How many deliveries this run has put off per endpoint (by throttle key).
    private var postponedPerEndpoint: [String: Int] = [:]
    /// The coordinator's transports, one per channel, for the channels whose transfers are HTTP requests.
    private var httpTransports: [ChannelID: (any HTTPChannelTransport)?] = [:]

    /// - Parameters:
    ///   - capacity: `delivery.concurrency`: transfers in flight, and blocking lanes, at most.
    ///   - clock: the attempts' clock (when each started and ended).
    init(session: any ClaimSession, capacity: Int, channels: ChannelRegistry, throttling: DeliveryThrottling? = nil,
         clock: @escaping @Sendable () -> Date) {
        self.session = session
        writer = OutcomeWriter(session: session)
        self.throttling = throttling
        self.channels = channels
        self.capacity = max(1, capacity)
        self.clock = clock
        state = DeliveryRun(lanes: 1, claimSize: DeliveryCycle.claimSize, recordSize: DeliveryCycle.recordSize)
    }

    var finished: Bool { condition.withLock { over } }
    var report: DeliveryRun.Report { condition.withLock { state.report } }
    var unstarted: [DeliveryJob] { condition.withLock { state.unstarted } }

    /// No new transfer starts after this; those in flight end and are recorded.
    func requestStop() {
        let waker = condition.withLock { () -> HTTPTransfers.Waker? in
            state.stop()
            return self.waker
        }
        waker?.wake()
    }

    /// Runs until nothing due is left or a stop is requested, then writes what is left of the outcomes; rethrows the
    /// first store error met.
    func run(record: @escaping Recorder) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if let interval = session.renewalInterval { startRenewing(every: interval) }
            let thread = Thread { [self] in
                let transfers: HTTPTransfers
                do {
                    transfers = try HTTPTransfers(maxHostConnections: capacity)
                } catch {
                    _ = writer.close()
                    condition.withLock {
                        failure = error
                        over = true
                    }
                    continuation.resume()
                    return
                }
                let waker = transfers.waker
                condition.withLock { self.waker = waker }
                let lanes = BlockingLanes(count: capacity, channels: channels, clock: clock) { [self] job, result, started in
                    land(job, result, ended: clock(), started: started)
                    waker.wake()
                }
                coordinate(record: record, lanes: lanes, transfers: transfers)
                lanes.close()
                condition.withLock { over = true }
                continuation.resume()
            }
            thread.name = "casewatch.delivery"
            thread.start()
        }
        if let failure = condition.withLock({ failure }) { throw failure }
    }

    /// A transfer ended (on the coordinator's thread, or a blocking lane's, which then wakes it): noted for the
    /// coordinator.
    private func land(_ job: DeliveryJob, _ result: SendResult, ended at: Date, started: Date) {
        condition.withLock { ended.append((job, result, started, at)) }
    }

    /// The coordinator's loop; returns when the run is over and every outcome written (or a write failed). Between
    /// pieces of work it drives the run's HTTP transfers, which is where it waits: for a socket, a blocking lane's
    /// wake-up, a stop, or the next throttled slot.
    private func coordinate(record: Recorder, lanes: BlockingLanes, transfers: HTTPTransfers) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !ended.isEmpty {
                recordEnded(record)
                continue
            }
            var wakeAt: Date?
            if inFlight < capacity {
                switch state.nextWork(now: now()) {
                case .finish:
                    if inFlight == 0 {
                        finish()
                        return
                    }
                case .wait:
                    break
                case .sleep(let until):
                    wakeAt = until
                case .claim(let limit):
                    condition.unlock()
                    let claimed = Result {
                        let jobs = try session.claim(limit: limit)
                        try throttling?.prefetch(jobs)
                        return jobs
                    }
                    condition.lock()
                    switch claimed {
                    case .success(let jobs): state.claimed(jobs)
                    case .failure(let error):
                        state.claimFailed()
                        if failure == nil { failure = error }
                    }
                    continue
                case .send(let job):
                    start([(job, nil)] + moreToSend(), transfers: transfers, lanes: lanes)
                    continue
                case .sendReserved(let job, let slot):
                    start([(job, slot)] + moreToSend(), transfers: transfers, lanes: lanes)
                    continue
                }
            }
            let milliseconds = wakeAt.map { Int((max(0, $0.timeIntervalSince(now())) * 1000).rounded(.up)) } ?? 1_000
            condition.unlock()
            transfers.drive(waitingAtMost: min(1_000, milliseconds))
            condition.lock()
        }
    }

    /// Records every transfer that ended, writing each full batch of outcomes; called and returns with the lock held.
    private func recordEnded(_ record: Recorder) {
        let batch = ended
        ended.removeAll(keepingCapacity: true)
        condition.unlock()
        let records = batch.map { record($0.job, $0.result, $0.started, $0.ended) }
        condition.lock()
        inFlight -= batch.count
        var writes: [[AttemptRecord]] = []
        for attempt in records {
            if let full = state.attempted(attempt) { writes.append(full) }
        }
        guard !writes.isEmpty else { return }
        condition.unlock()
        let failed = writes.lazy.compactMap { self.writer.write($0) }.first
        condition.lock()
        if let failed { stop(because: failed) }
    }

    /// The run is over: writes the outcomes and postponements not written yet; called with the lock held.
    private func finish() {
        let rest = state.laneFinished() ?? []
        let postponements = state.remainingPostponements()
        condition.unlock()
        let failed = writer.write(rest) ?? writer.close()
        let written = Result {
            if let failed { throw failed }
            try throttling?.runSlots?.flush()
            if !postponements.isEmpty, let throttling {
                try throttling.store.postpone(postponements, owner: throttling.owner)
            }
        }
        condition.lock()
        if case .failure(let error) = written { stop(because: error) }
    }

    /// The other deliveries that may start with the one just handed out, up to the free capacity; called with the
    /// lock held.
    private func moreToSend() -> [(job: DeliveryJob, reserved: Date?)] {
        state.moreToSend(limit: capacity - inFlight - 1, now: now()).compactMap { action in
            switch action {
            case .send(let job): (job, nil)
            case .sendReserved(let job, let slot): (job, slot)
            default: nil
            }
        }
    }

    /// Asks the throttle about those of `picked` whose endpoints have a rate (in one transaction), then starts the
    /// transfers it lets go, holds the others back within the run or puts them off; called and returns with the lock
    /// held.
    private func start(_ picked: [(job: DeliveryJob, reserved: Date?)], transfers: HTTPTransfers, lanes: BlockingLanes) {
        inFlight += picked.count
        condition.unlock()
        defer { condition.lock() }
        var going = picked.map(\.job)
        if let throttling {
            let asks = picked.map { one in throttling.request(for: one.job).map { ($0, one.reserved) } }
            let asked = asks.indices.filter { asks[$0] != nil }
            if !asked.isEmpty {
                let decided = Result {
                    try throttling.throttle(asked.map { ThrottleAsk(asks[$0]!.0, reserved: asks[$0]!.1) })
                }
                var held: Set<Int> = []
                switch decided {
                case .failure(let error):
                    condition.withLock {
                        // Not sent, nothing written: the entries stay due for the next run.
                        for index in asked { state.throttled(picked[index].job, until: .distantFuture, reserved: nil) }
                        stop(because: error)
                    }
                    held = Set(asked)
                case .success(let decisions):
                    for (index, decision) in zip(asked, decisions) where decision != .send {
                        holdBack(picked[index].job, decision: decision, request: asks[index]!.0, throttling: throttling)
                        held.insert(index)
                    }
                }
                if !held.isEmpty {
                    condition.withLock { inFlight -= held.count }
                    going = picked.indices.filter { !held.contains($0) }.map { picked[$0].job }
                }
            }
        }
        for job in going { start(job, transfers: transfers, lanes: lanes) }
    }

    /// Starts one transfer: on the run's HTTP transfers (this thread's), or a blocking lane.
    private func start(_ job: DeliveryJob, transfers: HTTPTransfers, lanes: BlockingLanes) {
        guard let transport = httpTransport(for: job.draft.channel) else {
            lanes.send(job)
            return
        }
        let started = clock()
        switch transport.transfer(job, at: started) {
        case .settled(let result):
            land(job, result, ended: clock(), started: started)
        case .request(let request, let reading):
            transfers.start(request) { [self] answer in
                land(job, reading(answer), ended: clock(), started: started)
            }
        }
    }

    /// A delivery the throttle did not let go: waiting within the run for its slot, or put off to a later cycle
    /// (outside the lock).
    private func holdBack(_ job: DeliveryJob, decision: ThrottleDecision, request: ThrottleRequest,
                          throttling: DeliveryThrottling) {
        switch decision {
        case .send:
            return
        case .wait(let until, let slot):
            let waiting = job.throttled(for: until.timeIntervalSince(throttling.now()))
            condition.withLock { state.throttled(waiting, until: until, reserved: slot) }
        case .postpone(let until):
            let batch = condition.withLock { () -> [Postponement]? in
                // Put off in rate order: the k-th delivery put off for one endpoint in this run comes due k spacings
                // after the endpoint's next slot, so they come back a few at a time (to whichever node is free).
                let queued = postponedPerEndpoint[request.endpoint.key, default: 0]
                postponedPerEndpoint[request.endpoint.key] = queued + 1
                let spread = until.addingTimeInterval(
                    Double(queued) * Throttle.spacing(of: request.endpoint.rate) * Double(max(1, request.cost)))
                let waiting = job.throttled(for: spread.timeIntervalSince(throttling.now()))
                return state.postponed(waiting, until: spread)
            }
            if let batch {
                let written = Result { try throttling.store.postpone(batch, owner: throttling.owner) }
                if case .failure(let error) = written { condition.withLock { stop(because: error) } }
            }
        }
    }

    /// The coordinator's transport for `channel` when its transfers are HTTP requests; nil for any other.
    private func httpTransport(for channel: ChannelID) -> (any HTTPChannelTransport)? {
        if let known = httpTransports[channel] { return known }
        let made = channels[channel]?.makeTransport() as? any HTTPChannelTransport
        httpTransports[channel] = made
        return made
    }

    /// Renews the run's leases every `interval` on a thread of its own while transfers run, so that long ones still
    /// keep them; a renewal that fails is tried again at the next interval (a lease lost meanwhile only means
    /// another node may send those entries too).
    private func startRenewing(every interval: TimeInterval) {
        let thread = Thread { [self] in
            var last = Date()
            while !finished {
                Thread.sleep(forTimeInterval: min(0.2, interval))
                guard Date().timeIntervalSince(last) >= interval, !finished else { continue }
                last = Date()
                try? session.renew()
            }
        }
        thread.name = "casewatch.delivery.leases"
        thread.start()
    }

    /// A store write failed: no new transfer starts; called with the lock held.
    private func stop(because error: Error) {
        state.stop()
        if failure == nil { failure = error }
    }

    /// The run's clock for waits (the throttle's when there is one).
    private func now() -> Date { throttling?.now() ?? Date() }
}
