import CaseWatchModel
import Foundation

/// Runs a synchronous plan (rendering is) on a thread of its own and hands its chunks of drafts to an async
/// consumer that writes them inside the recording transaction, at most two chunks ahead: a fan-out to many
/// subscribers is written as it is rendered and never held whole. A consumer that fails stops the plan at its next
/// chunk; a plan that fails fails the consumer with the plan's own error.
enum DraftStream {
    static func run(
        _ produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void,
        consume: ([OutboxDraft]) async throws -> Void
    ) async throws {
        let channel = Channel()
        let thread = Thread {
            do {
                try produce { chunk in try channel.put(chunk) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        thread.name = "casewatch.plan"
        thread.start()
        do {
            while let chunk = try await channel.take() { try await consume(chunk) }
        } catch {
            channel.cancel()
            throw error
        }
    }

    /// The hand-off between the plan's thread and the consumer's task.
    private final class Channel: @unchecked Sendable {  // every stored var is guarded by `condition`
        private let condition = NSCondition()
        private var chunks: [[OutboxDraft]] = []
        private var done = false
        private var failure: (any Error)?
        private var cancelled = false
        private var waiter: CheckedContinuation<Void, Never>?
        private static let ahead = 2

        /// Called by the plan's thread; waits while the consumer is `ahead` chunks behind.
        func put(_ chunk: [OutboxDraft]) throws {
            condition.lock()
            defer { condition.unlock() }
            while chunks.count >= Self.ahead, !cancelled { condition.wait() }
            if cancelled { throw CancellationError() }
            chunks.append(chunk)
            wake()
        }

        func finish(_ error: (any Error)?) {
            condition.lock()
            defer { condition.unlock() }
            done = true
            failure = error
            wake()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }

        /// The next chunk; nil once the plan has finished.
        func take() async throws -> [OutboxDraft]? {
            while true {
                let next: Result<[OutboxDraft]?, any Error>? = condition.withLock {
                    if !chunks.isEmpty {
                        let chunk = chunks.removeFirst()
                        condition.broadcast()
                        return .success(chunk)
                    }
                    if done { return failure.map { .failure($0) } ?? .success(nil) }
                    return nil
                }
                if let next { return try next.get() }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    condition.lock()
                    if !chunks.isEmpty || done {
                        condition.unlock()
                        continuation.resume()
                        return
                    }
                    waiter = continuation
                    condition.unlock()
                }
            }
        }

        /// With the lock held: resumes a consumer waiting for a chunk.
        private func wake() {
            condition.broadcast()
            let waiting = waiter
            waiter = nil
            waiting?.resume()
        }
    }
}
