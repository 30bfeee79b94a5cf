import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// The shell around one ``DeliveryRun``: a thread per lane, one lock around the state machine, and the actions it
/// returns performed outside the lock (claims and outcome writes through the ``ClaimSession``, transfers through
/// the lane's transports). `run` suspends the calling task until every lane has finished.
final class DeliveryLanes: @unchecked Sendable {  // every stored var is guarded by `condition`
    private let session: any ClaimSession
    /// Holds endpoints to their rates; nil when the store keeps no slots.
    private let throttling: DeliveryThrottling?
    private let condition = NSCondition()
    private var state: DeliveryRun
    private var failure: Error?
    /// How many deliveries this run has put off per endpoint (by throttle key).
    private var postponedPerEndpoint: [String: Int] = [:]

    init(session: any ClaimSession, run: DeliveryRun, throttling: DeliveryThrottling? = nil) {
        self.session = session
        self.throttling = throttling
        state = run
    }

    var finished: Bool { condition.withLock { state.isOver } }
    var report: DeliveryRun.Report { condition.withLock { state.report } }
    var unstarted: [DeliveryJob] { condition.withLock { state.unstarted } }

    /// No new transfer starts after this.
    func requestStop() {
        condition.withLock { state.stop() }
        condition.broadcast()
    }

    private func fail(_ error: Error) {
        condition.withLock {
            if failure == nil { failure = error }
            state.stop()
        }
        condition.broadcast()
    }

    /// Runs one thread per lane until nothing due is left or a stop is requested, then writes what is left of
    /// the outcomes; rethrows the first store error any lane met.
    func run(_ lanes: [DeliveryLane], attempt: @escaping @Sendable (DeliveryJob, DeliveryLane) -> AttemptRecord)
        async throws
    {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if let interval = session.renewalInterval { startRenewing(every: interval) }
            for lane in lanes {
                let thread = Thread { [self] in
                    work(on: lane, attempt: attempt)
                    lane.close()
                    let rest = condition.withLock { state.laneFinished() }
                    // The last lane to end writes what is left of the outcomes, still on its own thread.
                    guard let rest else { return }
                    let postponements = condition.withLock { state.remainingPostponements() }
                    do {
                        if !rest.isEmpty { try session.complete(rest) }
                        if !postponements.isEmpty, let throttling {
                            try throttling.store.postpone(postponements, owner: throttling.owner)
                        }
                    } catch {
                        fail(error)
                    }
                    continuation.resume()
                }
                thread.name = "casewatch.delivery.\(lane.index)"
                thread.start()
            }
        }
        if let failure = condition.withLock({ failure }) { throw failure }
    }

    /// Renews the run's leases every `interval` on a thread of its own while the lanes work, so that a long
    /// transfer on every lane still keeps them; a renewal that fails is tried again at the next interval (a lease
    /// lost meanwhile only means another node may send those entries too).
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

    /// One lane's loop: what the state machine says, until it says finish.
    private func work(on lane: DeliveryLane, attempt: (DeliveryJob, DeliveryLane) -> AttemptRecord) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch state.nextWork(now: now()) {
            case .finish:
                return
            case .wait:
                condition.wait()
            case .sleep(let until):
                _ = condition.wait(until: Date().addingTimeInterval(max(0, until.timeIntervalSince(now()))))
            case .claim(let limit):
                condition.unlock()
                let claimed = Result { try session.claim(limit: limit) }
                condition.lock()
                switch claimed {
                case .success(let jobs):
                    state.claimed(jobs)
                case .failure(let error):
                    state.claimFailed()
                    if failure == nil { failure = error }
                }
                condition.broadcast()
            case .send(let job):
                send(job, reserved: nil, on: lane, attempt: attempt)
            case .sendReserved(let job, let slot):
                send(job, reserved: slot, on: lane, attempt: attempt)
            }
        }
    }

    /// Asks the throttle (when the job's endpoint has a rate), then sends, waits or puts off; called and returns
    /// with the lock held.
    private func send(_ job: DeliveryJob, reserved: Date?, on lane: DeliveryLane,
                      attempt: (DeliveryJob, DeliveryLane) -> AttemptRecord) {
        condition.unlock()
        if let throttling, let request = throttling.request(for: job) {
            let decided = Result {
                try throttling.store.throttle(request, now: throttling.now(), horizon: throttling.horizon,
                                              reserved: reserved)
            }
            switch decided {
            case .failure(let error):
                condition.lock()
                // Not sent, nothing written: the entry stays due for the next run.
                state.throttled(job, until: .distantFuture, reserved: nil)
                state.stop()
                if failure == nil { failure = error }
                condition.broadcast()
                return
            case .success(.wait(let until, let slot)):
                let waiting = job.throttled(for: until.timeIntervalSince(throttling.now()))
                condition.lock()
                state.throttled(waiting, until: until, reserved: slot)
                condition.broadcast()
                return
            case .success(.postpone(let until)):
                condition.lock()
                // Put off in rate order: the k-th delivery put off for one endpoint in this run comes due k spacings
                // after the endpoint's next slot, so they come back a few at a time (to whichever node is free).
                let queued = postponedPerEndpoint[request.endpoint.key, default: 0]
                postponedPerEndpoint[request.endpoint.key] = queued + 1
                let spread = until.addingTimeInterval(
                    Double(queued) * Throttle.spacing(of: request.endpoint.rate) * Double(max(1, request.cost)))
                let waiting = job.throttled(for: spread.timeIntervalSince(throttling.now()))
                guard let batch = state.postponed(waiting, until: spread) else { return }
                condition.unlock()
                let written = Result { try throttling.store.postpone(batch, owner: throttling.owner) }
                condition.lock()
                if case .failure(let error) = written { stop(because: error) }
                return
            case .success(.send):
                break
            }
        }
        let record = attempt(job, lane)
        condition.lock()
        guard let batch = state.attempted(record) else { return }
        condition.unlock()
        let written = Result { try session.complete(batch) }
        condition.lock()
        if case .failure(let error) = written { stop(because: error) }
    }

    /// A store write failed: no new transfer starts; called with the lock held.
    private func stop(because error: Error) {
        state.stop()
        if failure == nil { failure = error }
        condition.broadcast()
    }

    /// The run's clock for waits (the throttle's when there is one).
    private func now() -> Date { throttling?.now() ?? Date() }
}
