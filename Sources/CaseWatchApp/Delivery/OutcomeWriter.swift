import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// Writes a delivery run's outcomes on a thread of its own, a batch per transaction, so that transfers go on while a
/// batch is committed.
///
/// At most `depth` batches wait behind the one being written (``write(_:)`` blocks beyond that), so a crash leaves at
/// most `depth + 1` written-out batches of sent entries unrecorded, besides the run's unfinished one — sent again by
/// the next run, with the same ids.
final class OutcomeWriter: @unchecked Sendable {  // every stored var is guarded by `condition`
    private let session: any ClaimSession
    private let depth: Int
    private let condition = NSCondition()
    private var pending: [[AttemptRecord]] = []
    private var writing = false
    private var closed = false
    private var failure: Error?

    init(session: any ClaimSession, depth: Int = 2) {
        self.session = session
        self.depth = max(1, depth)
        let thread = Thread { [self] in work() }
        thread.name = "casewatch.delivery.outcomes"
        thread.start()
    }

    /// Queues `batch` for writing, waiting while `depth` batches already wait; returns the first write error met so
    /// far (after one, nothing more is written: those entries stay due).
    func write(_ batch: [AttemptRecord]) -> Error? {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil, pending.count >= depth { condition.wait() }
        guard failure == nil, !batch.isEmpty else { return failure }
        pending.append(batch)
        condition.broadcast()
        return nil
    }

    /// Blocking: waits until every batch queued is written, then ends the writer's thread; returns the first write
    /// error, if any.
    func close() -> Error? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while failure == nil, writing || !pending.isEmpty { condition.wait() }
        return failure
    }

    private func work() {
        condition.lock()
        defer { condition.unlock() }
        while true {
            while pending.isEmpty, !closed { condition.wait() }
            guard !pending.isEmpty, failure == nil else { return }
            let batch = pending.removeFirst()
            writing = true
            condition.unlock()
            let written = Result { try session.complete(batch) }
            condition.lock()
            writing = false
            if case .failure(let error) = written {
                failure = error
                pending.removeAll()
            }
            condition.broadcast()
        }
    }
}
