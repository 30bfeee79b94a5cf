import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// The shell around one ``DeliveryRun``: a thread per lane, one lock around the state machine, and the actions it
/// returns performed outside the lock (claims and outcome writes through the ``ClaimSession``, transfers through
/// the lane's transports). `run` suspends the calling task until every lane has finished.
final class DeliveryLanes: @unchecked Sendable {  // every stored var is guarded by `condition`
    private let session: any ClaimSession
    private let condition = NSCondition()
    private var state: DeliveryRun
    private var failure: Error?

    init(session: any ClaimSession, run: DeliveryRun) {
        self.session = session
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
                    do {
                        if !rest.isEmpty { try session.complete(rest) }
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
            switch state.nextWork() {
            case .finish:
                return
            case .wait:
                condition.wait()
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
                condition.unlock()
                let record = attempt(job, lane)
                condition.lock()
                guard let batch = state.attempted(record) else { continue }
                condition.unlock()
                let written = Result { try session.complete(batch) }
                condition.lock()
                if case .failure(let error) = written {
                    state.stop()
                    if failure == nil { failure = error }
                    condition.broadcast()
                }
            }
        }
    }
}
