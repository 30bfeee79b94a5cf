import CaseWatchModel
import CaseWatchPipeline
import Foundation
import Testing

/// The delivery run's coordination, input by input, as tables: what each lane is told to do.
@Suite("Delivery run state machine")
struct DeliveryRunTests {
    static func job(_ id: Int64) -> DeliveryJob {
        DeliveryJob(outboxID: id, draft: OutboxDraft(eventID: "evt", subscriberID: "s\(id)", channel: .webhook,
                                                     recipient: "https://h.example.org", messageID: "m\(id)",
                                                     payload: []),
                    attempts: 0)
    }

    static func record(_ id: Int64, _ state: OutboxState) -> AttemptRecord {
        let outcome: DeliveryOutcome = switch state {
        case .delivered: .delivered(detail: "ok")
        case .retrying: .retryable(reason: "later")
        default: .permanent(reason: "no")
        }
        return AttemptRecord(job: job(id), outcome: outcome,
                             transition: OutboxTransition(state: state, nextAttemptAt: nil),
                             startedAt: Date(timeIntervalSince1970: 0), duration: 0, code: nil)
    }

    /// An input to the machine and, for the lane inputs, what it must answer.
    enum Step {
        case next(DeliveryRun.LaneAction)
        case claimed([Int64])
        case claimFailed
        case stop
    }

    static let tables: [(name: String, steps: [Step])] = [
        ("one lane claims; the others wait for that claim", [
            .next(.claim(limit: 2)), .next(.wait), .next(.wait),
            .claimed([1, 2]), .next(.send(job(1))), .next(.send(job(2))), .next(.claim(limit: 2)), .next(.wait),
            .claimed([3]), .next(.send(job(3))), .next(.claim(limit: 2)),
            .claimed([]), .next(.finish), .next(.finish),
        ]),
        ("an empty first claim ends the run for every lane", [
            .next(.claim(limit: 2)), .claimed([]), .next(.finish), .next(.finish),
        ]),
        ("a stop ends the run before the next transfer; what was claimed stays unstarted", [
            .next(.claim(limit: 2)), .claimed([1, 2]), .next(.send(job(1))), .stop, .next(.finish), .next(.finish),
        ]),
        ("a failed claim stops every lane", [
            .next(.claim(limit: 2)), .next(.wait), .claimFailed, .next(.finish), .next(.finish),
        ]),
    ]

    @Test("lanes are told to claim, wait, send or finish", arguments: tables.indices)
    func laneActions(table: Int) {
        let (name, steps) = Self.tables[table]
        var run = DeliveryRun(lanes: 2, claimSize: 2, recordSize: 2)
        for (index, step) in steps.enumerated() {
            switch step {
            case .next(let expected):
                #expect(run.nextWork() == expected, "\(name): step \(index)")
            case .claimed(let ids):
                run.claimed(ids.map(Self.job))
            case .claimFailed:
                run.claimFailed()
            case .stop:
                run.stop()
            }
        }
    }

    @Test("what a stop leaves unstarted")
    func unstarted() {
        var run = DeliveryRun(lanes: 1, claimSize: 3, recordSize: 2)
        _ = run.nextWork()
        run.claimed([1, 2, 3].map(Self.job))
        _ = run.nextWork()
        run.stop()
        #expect(run.nextWork() == .finish)
        #expect(run.unstarted.map(\.outboxID) == [2, 3])
    }

    @Test("more to send at once: the deliveries whose slot has come, then the claimed, never a claim, nothing after a stop")
    func moreToSend() {
        var run = DeliveryRun(lanes: 1, claimSize: 4, recordSize: 2)
        let t0 = Date(timeIntervalSince1970: 1_764_240_000)
        #expect(run.nextWork(now: t0) == .claim(limit: 4))
        run.claimed([1, 2, 3, 4].map(Self.job))
        #expect(run.nextWork(now: t0) == .send(Self.job(1)))
        run.throttled(Self.job(1), until: t0.addingTimeInterval(1), reserved: t0.addingTimeInterval(1))
        #expect(run.moreToSend(limit: 2, now: t0) == [.send(Self.job(2)), .send(Self.job(3))])
        #expect(run.moreToSend(limit: 5, now: t0.addingTimeInterval(1)) == [
            .sendReserved(Self.job(1), slot: t0.addingTimeInterval(1)), .send(Self.job(4)),
        ])
        #expect(run.moreToSend(limit: 5, now: t0.addingTimeInterval(2)).isEmpty)  // the claim is the lane's to make
        #expect(run.nextWork(now: t0) == .claim(limit: 4))
        run.claimed([5, 6].map(Self.job))
        run.stop()
        #expect(run.moreToSend(limit: 5, now: t0).isEmpty)
        #expect(run.unstarted.map(\.outboxID) == [5, 6])
    }

    @Test("outcomes are written a batch at a time, the last lane writes the rest, and the report counts them")
    func outcomes() {
        var run = DeliveryRun(lanes: 2, claimSize: 10, recordSize: 2)
        #expect(run.attempted(Self.record(1, .delivered)) == nil)
        #expect(run.attempted(Self.record(2, .retrying))?.map(\.job.outboxID) == [1, 2])
        #expect(run.attempted(Self.record(3, .dead)) == nil)
        #expect(run.laneFinished() == nil)
        #expect(!run.isOver)
        #expect(run.laneFinished()?.map(\.job.outboxID) == [3])
        #expect(run.isOver)
        #expect(run.report == DeliveryRun.Report(delivered: 1, retrying: 1, dead: 1))
    }
}
