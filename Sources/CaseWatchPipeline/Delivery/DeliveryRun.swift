import CaseWatchModel
import Foundation

/// The coordination of one delivery run as a pure state machine: lanes ask for work, claims come back, attempts
/// end, and each input returns what the shell must do next. No threads, no store, no clock here — the shell
/// (`DeliveryCycle` in CaseWatchApp) holds a lock around it and performs the actions, as async-http-client's
/// connection pool does around its state machine.
///
/// - One lane claims at a time; the others wait for that claim rather than make their own.
/// - Entries are handed out one at a time, in the order claimed; a claim that comes back empty ends the run.
/// - Outcomes are written in batches of `recordSize`; the last lane to finish writes what is left.
/// - After a stop (the daemon shutting down, a store error) no new transfer starts; entries claimed but not
///   started stay queued for the next run.
/// - A delivery its endpoint's rate holds back (``Throttle``) waits within the run for its slot, without holding a
///   lane, and is handed out again when the slot comes (before anything newly claimed); one whose slot is beyond the
///   run's horizon is put off (``Postponement``), written a batch at a time as outcomes are. The run ends when
///   nothing claimed is left and nothing waits.
package struct DeliveryRun {
    /// What a lane that asks for work must do.
    package enum LaneAction: Equatable {
        /// Send this entry (asking the throttle first, when its endpoint has a rate), then report its attempt.
        case send(DeliveryJob)
        /// Send this entry, which holds its endpoint's slot `slot`, reserved earlier in the run.
        case sendReserved(DeliveryJob, slot: Date)
        /// Claim up to `limit` entries from the store, outside the lock, then report them with `claimed(_:)`.
        case claim(limit: Int)
        /// Another lane is claiming: wait until it reports, then ask again.
        case wait
        /// Nothing to do before `until`, when a delivery held back by its endpoint's rate comes due: wait until then
        /// (or until another lane reports), then ask again.
        case sleep(until: Date)
        /// Nothing is left, or the run stops: the lane ends.
        case finish

        package static func == (left: LaneAction, right: LaneAction) -> Bool {
            switch (left, right) {
            case (.send(let one), .send(let other)): one.outboxID == other.outboxID
            case (.sendReserved(let one, let slot), .sendReserved(let other, let otherSlot)):
                one.outboxID == other.outboxID && slot == otherSlot
            case (.sleep(let one), .sleep(let other)): one == other
            case (.claim(let one), .claim(let other)): one == other
            case (.wait, .wait), (.finish, .finish): true
            default: false
            }
        }
    }

    /// What a delivery run did.
    package struct Report: Sendable, Equatable {
        package var delivered = 0
        package var retrying = 0
        package var dead = 0
        /// Held back by their endpoint's rate beyond the run, put off to a later cycle without an attempt.
        package var postponed = 0
        package var attempted: Int { delivered + retrying + dead }

        package init(delivered: Int = 0, retrying: Int = 0, dead: Int = 0, postponed: Int = 0) {
            self.delivered = delivered
            self.retrying = retrying
            self.dead = dead
            self.postponed = postponed
        }
    }

    private let claimSize: Int
    private let recordSize: Int
    private var lanesRunning: Int
    private var claimed: [DeliveryJob] = []
    private var position = 0
    private var claiming = false
    private var exhausted = false
    private var stopping = false
    private var outcomes: [AttemptRecord] = []
    /// Deliveries waiting within the run for their endpoint's slot, soonest first.
    private var waiting: [(job: DeliveryJob, until: Date, reserved: Date?)] = []
    private var postponements: [Postponement] = []
    package private(set) var report = Report()

    /// - Parameters:
    ///   - lanes: how many lanes will ask for work (each ends with `laneFinished()`).
    ///   - claimSize: entries claimed at a time.
    ///   - recordSize: outcomes written at a time.
    package init(lanes: Int, claimSize: Int, recordSize: Int) {
        lanesRunning = lanes
        self.claimSize = max(1, claimSize)
        self.recordSize = max(1, recordSize)
        outcomes.reserveCapacity(self.recordSize)
    }

    /// A lane asks for its next piece of work at `now` (which only matters once a delivery waits for its slot).
    package mutating func nextWork(now: Date = .distantPast) -> LaneAction {
        if stopping { return .finish }
        if let first = waiting.first, first.until <= now {
            waiting.removeFirst()
            if let slot = first.reserved { return .sendReserved(first.job, slot: slot) }
            return .send(first.job)
        }
        if position < claimed.count {
            position += 1
            return .send(claimed[position - 1])
        }
        if exhausted { return waiting.first.map { .sleep(until: $0.until) } ?? .finish }
        if claiming { return .wait }
        claiming = true
        return .claim(limit: claimSize)
    }

    /// Up to `limit` more entries to send at `now`, without claiming: those whose slot has come, then those claimed,
    /// as ``nextWork(now:)`` would hand them out one by one (a shell that starts several transfers at once asks here
    /// after a `send`).
    package mutating func moreToSend(limit: Int, now: Date = .distantPast) -> [LaneAction] {
        var more: [LaneAction] = []
        while !stopping, more.count < limit {
            if let first = waiting.first, first.until <= now {
                waiting.removeFirst()
                more.append(first.reserved.map { .sendReserved(first.job, slot: $0) } ?? .send(first.job))
            } else if position < claimed.count {
                position += 1
                more.append(.send(claimed[position - 1]))
            } else {
                break
            }
        }
        return more
    }

    /// The throttle held a delivery back until `until`, within the run (holding its endpoint's slot `reserved`, when
    /// one was taken): it is handed out again then.
    package mutating func throttled(_ job: DeliveryJob, until: Date, reserved: Date?) {
        let index = waiting.firstIndex { $0.until > until } ?? waiting.endIndex
        waiting.insert((job, until, reserved), at: index)
    }

    /// The throttle put a delivery off beyond the run; returns a full batch of postponements to write now, if this
    /// one completed it.
    package mutating func postponed(_ job: DeliveryJob, until: Date) -> [Postponement]? {
        report.postponed += 1
        postponements.append(Postponement(outboxID: job.outboxID, until: until, firstDueAt: job.firstDueAt))
        guard postponements.count >= recordSize else { return nil }
        defer { postponements.removeAll(keepingCapacity: true) }
        return postponements
    }

    /// The postponements not written yet, for the last lane to write when it ends.
    package mutating func remainingPostponements() -> [Postponement] {
        defer { postponements.removeAll() }
        return postponements
    }

    /// The claim a lane made came back; an empty one means nothing due is left.
    package mutating func claimed(_ jobs: [DeliveryJob]) {
        claimed = jobs
        position = 0
        exhausted = jobs.isEmpty
        claiming = false
    }

    /// The claim a lane made failed: the run stops.
    package mutating func claimFailed() {
        claiming = false
        exhausted = true
        stopping = true
    }

    /// An attempt ended; returns a full batch of outcomes to write now, if this one completed it.
    package mutating func attempted(_ record: AttemptRecord) -> [AttemptRecord]? {
        switch record.transition.state {
        case .delivered: report.delivered += 1
        case .retrying: report.retrying += 1
        default: report.dead += 1
        }
        outcomes.append(record)
        guard outcomes.count >= recordSize else { return nil }
        defer { outcomes.removeAll(keepingCapacity: true) }
        return outcomes
    }

    /// No new transfer starts after this; transfers in flight finish and are recorded.
    package mutating func stop() {
        stopping = true
    }

    /// A lane ended. For the last one, the outcomes not written yet (maybe none) — it writes them and the run is
    /// over; nil for the others.
    package mutating func laneFinished() -> [AttemptRecord]? {
        lanesRunning -= 1
        guard lanesRunning == 0 else { return nil }
        defer { outcomes.removeAll() }
        return outcomes
    }

    /// Whether every lane has finished.
    package var isOver: Bool { lanesRunning <= 0 }

    /// Entries claimed and never started (the run stopped), which stay queued for the next run; those waiting for
    /// their endpoint's slot among them.
    package var unstarted: [DeliveryJob] { waiting.map(\.job) + Array(claimed[position...]) }
}
