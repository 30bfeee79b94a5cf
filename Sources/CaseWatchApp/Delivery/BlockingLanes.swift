import CaseWatchChannels
import CaseWatchModel
import Foundation

/// The lanes for transfers that hold a thread while they run (an SMTP session, a file written, a Telegram alert
/// sent in parts): up to `count` threads, each with its own ``DeliveryLane`` (its transports and their connections),
/// started as transfers come. Transfers beyond `count` wait in order for the first lane free; each attempt starts
/// (on `clock`) when its lane takes it up.
final class BlockingLanes: @unchecked Sendable {  // every stored var is guarded by `condition`
    /// What a lane reports when a transfer ends: the job, its result, and when the transfer started.
    typealias Ended = @Sendable (DeliveryJob, SendResult, _ started: Date) -> Void

    private let count: Int
    private let channels: ChannelRegistry
    private let ended: Ended
    private let clock: @Sendable () -> Date
    private let condition = NSCondition()
    private var queue: [DeliveryJob] = []
    private var started = 0
    private var running = 0
    private var closing = false

    init(count: Int, channels: ChannelRegistry, clock: @escaping @Sendable () -> Date, ended: @escaping Ended) {
        self.count = max(1, count)
        self.clock = clock
        self.channels = channels
        self.ended = ended
    }

    /// Hands `job` to a free lane (starting one when none waits and fewer than `count` run).
    func send(_ job: DeliveryJob) {
        condition.lock()
        queue.append(job)
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
                let started = clock()
                ended(next, lane.send(next, at: started), started)
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
