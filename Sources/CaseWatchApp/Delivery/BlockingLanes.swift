import CaseWatchChannels
import CaseWatchModel
import Foundation

/// The lanes for transfers that hold a thread while they run (an SMTP session, a file written, a Telegram alert
/// sent in parts): up to `count` threads, each with its own ``DeliveryLane`` (its transports and their connections),
/// started as the first such transfer comes. The engine never gives them more than `count` at once.
final class BlockingLanes: @unchecked Sendable {  // every stored var is guarded by `condition`
    /// What a lane reports when a transfer ends: the job, its result, and when the transfer started.
    typealias Ended = @Sendable (DeliveryJob, SendResult, _ started: Date) -> Void

    private let count: Int
    private let channels: ChannelRegistry
    private let ended: Ended
    private let condition = NSCondition()
    private var queue: [(job: DeliveryJob, at: Date)] = []
    private var started = 0
    private var running = 0
    private var closing = false

    init(count: Int, channels: ChannelRegistry, ended: @escaping Ended) {
        self.count = max(1, count)
        self.channels = channels
        self.ended = ended
    }

    /// Hands `job` to a free lane (starting one when none waits), to be sent as of `now`.
    func send(_ job: DeliveryJob, at now: Date) {
        condition.lock()
        queue.append((job, now))
        let idle = started - running - (queue.count - 1)
        if idle <= 0, started < count {
            started += 1
            running += 1
            let index = started - 1
            condition.unlock()
            let thread = Thread { [self] in work(DeliveryLane(index: index, channels: channels)) }
            thread.name = "casewatch.delivery.\(index)"
            thread.start()
            return
        }
        condition.unlock()
        condition.signal()
    }

    /// Blocking: lets every lane finish what it holds, close its transports (an SMTP session says QUIT) and end.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while started > 0 { condition.wait() }
        condition.unlock()
    }

    private func work(_ lane: DeliveryLane) {
        condition.lock()
        while true {
            if let next = queue.first {
                queue.removeFirst()
                condition.unlock()
                let result = lane.send(next.job, at: next.at)
                ended(next.job, result, next.at)
                condition.lock()
                continue
            }
            if closing { break }
            running -= 1
            condition.wait()
            running += 1
        }
        running -= 1
        condition.unlock()
        lane.close()
        condition.lock()
        started -= 1
        condition.broadcast()
        condition.unlock()
    }
}
