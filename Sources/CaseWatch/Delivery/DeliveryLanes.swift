import Foundation

/// What the lanes of one delivery cycle share: the claim queue, the attempt log, and the stop flag.
///
/// Lanes are threads, not tasks, so everything here is guarded by locks; `run` suspends the calling
/// task until every lane has finished.
final class DeliveryLanes: @unchecked Sendable {
    let queue: ClaimQueue
    let log: AttemptLog
    private let lock = NSLock()
    private var stopRequested = false
    private var done = false
    private var failure: Error?

    init(queue: ClaimQueue, log: AttemptLog) {
        self.queue = queue
        self.log = log
    }

    var finished: Bool { lock.withLock { done } }

    /// No new transfer starts after this.
    func requestStop() {
        lock.withLock { stopRequested = true }
    }

    private var shouldContinue: Bool { lock.withLock { !stopRequested && failure == nil } }

    private func fail(_ error: Error) {
        lock.withLock { if failure == nil { failure = error } }
    }

    /// Runs one thread per lane until the queue is empty or a stop is requested, then writes what is
    /// left of the log; rethrows the first store error any lane met.
    func run(_ lanes: [DeliveryLane], attempt: @escaping @Sendable (DeliveryJob, DeliveryLane) -> AttemptRecord)
        async throws
    {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // The last lane to end writes what is left of the log, still on its own thread.
            let remaining = LaneCounter(lanes.count) { [self] in
                do { try log.flush() } catch { fail(error) }
                continuation.resume()
            }
            for lane in lanes {
                let thread = Thread { [self] in
                    do {
                        while shouldContinue, let job = try queue.next() {
                            try log.add(attempt(job, lane))
                        }
                    } catch {
                        fail(error)
                    }
                    lane.close()
                    remaining.finishOne()
                }
                thread.name = "casewatch.delivery.\(lane.index)"
                thread.start()
            }
        }
        lock.withLock { done = true }
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}

/// Counts lanes down and calls back when the last one ends.
private final class LaneCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    private let whenDone: @Sendable () -> Void

    init(_ count: Int, whenDone: @escaping @Sendable () -> Void) {
        self.count = count
        self.whenDone = whenDone
        if count == 0 { whenDone() }
    }

    func finishOne() {
        let last = lock.withLock {
            count -= 1
            return count == 0
        }
        if last { whenDone() }
    }
}

/// Hands due entries to the lanes one at a time, claiming the next batch from the store when it runs
/// dry, from where the last claim ended (its cursor), so no entry is handed out twice; only entries due when
/// the cycle began are claimed, so a retry never comes round twice in a cycle.
final class ClaimQueue: @unchecked Sendable {
    private let store: StateStore
    private let cutoff: Date
    private let batchSize: Int
    private let condition = NSCondition()
    private var buffer: [DeliveryJob] = []
    private var position = 0
    private var exhausted = false
    private var claiming = false
    private var cursor = ClaimCursor.start

    init(store: StateStore, cutoff: Date, batchSize: Int) {
        self.store = store
        self.cutoff = cutoff
        self.batchSize = batchSize
    }

    /// The next entry, or nil when nothing due is left. One lane claims at a time; the others wait for
    /// that claim rather than make their own.
    func next() throws -> DeliveryJob? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if position < buffer.count {
                position += 1
                return buffer[position - 1]
            }
            if exhausted { return nil }
            if claiming {
                condition.wait()
                continue
            }
            claiming = true
            condition.unlock()
            let jobs: [DeliveryJob]
            do {
                (jobs, cursor) = try store.claimDueBlocking(now: cutoff, limit: batchSize, after: cursor)
            } catch {
                condition.lock()
                claiming = false
                exhausted = true
                condition.broadcast()
                throw error
            }
            condition.lock()
            buffer = jobs
            position = 0
            exhausted = jobs.isEmpty
            claiming = false
            condition.broadcast()
        }
    }

    /// Takes every claimed entry not handed out yet.
    func drain() -> [DeliveryJob] {
        condition.lock()
        defer { condition.unlock() }
        let rest = Array(buffer[position...])
        position = buffer.count
        return rest
    }
}

/// Buffers attempt records and writes them to the store in batches, from whichever lane fills one.
final class AttemptLog: @unchecked Sendable {
    private let store: StateStore
    private let batchSize: Int
    private let lock = NSLock()
    private var buffer: [AttemptRecord] = []
    private var counts = DeliveryCycle.Report()

    init(store: StateStore, batchSize: Int) {
        self.store = store
        self.batchSize = batchSize
    }

    var report: DeliveryCycle.Report { lock.withLock { counts } }

    func add(_ record: AttemptRecord) throws {
        let batch: [AttemptRecord]? = lock.withLock {
            buffer.append(record)
            switch record.transition.state {
            case .delivered: counts.delivered += 1
            case .retrying: counts.retrying += 1
            default: counts.dead += 1
            }
            guard buffer.count >= batchSize else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let batch { try store.recordBlocking(attempts: batch) }
    }

    func flush() throws {
        let batch = lock.withLock {
            defer { buffer.removeAll() }
            return buffer
        }
        try store.recordBlocking(attempts: batch)
    }
}
