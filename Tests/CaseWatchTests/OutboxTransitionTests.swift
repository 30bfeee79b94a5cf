import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import Foundation
import Testing

@Suite("The outbox entry's life")
struct OutboxTransitionTests {
    let policy = RetryPolicy(schedule: [5, 300, 1800])
    let now = Date(timeIntervalSince1970: 1_000_000)

    func after(_ outcome: DeliveryOutcome, attempts: Int, jitter: Double = 0) -> OutboxTransition {
        OutboxTransition.after(outcome, attempts: attempts, policy: policy, now: now, jitter: jitter)
    }

    @Test("each outcome leads to its state")
    func transitions() {
        #expect(after(.delivered(detail: "HTTP 204"), attempts: 1).state == .delivered)
        #expect(after(.permanent(reason: "SMTP 550"), attempts: 1).state == .dead)
        #expect(after(.gone(reason: "HTTP 410"), attempts: 1) == OutboxTransition(state: .dead, nextAttemptAt: nil,
                                                                                optOut: .disabled))
        #expect(after(.bounced(reason: "SMTP 550 5.1.1 no such user"), attempts: 1)
            == OutboxTransition(state: .dead, nextAttemptAt: nil, optOut: .bounced))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 1)
            == OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(5)))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 3).nextAttemptAt == now.addingTimeInterval(1800))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 4).state == .dead)
    }

    @Test("jitter spreads retries by at most 20%", arguments: [-1.0, -0.5, 0, 0.5, 1, 7])
    func jitter(value: Double) throws {
        let next = try #require(after(.retryable(reason: "timeout"), attempts: 2, jitter: value).nextAttemptAt)
        let wait = next.timeIntervalSince(now)
        #expect(wait >= 240 && wait <= 360)
    }

    /// The schedule [5 s, 5 min, 30 min] spans 2,105 s from the first due moment.
    @Test("Retry-After waits as asked without using up the schedule, for as long as the schedule's span lasts",
          arguments: [
            // (wait asked, attempts so far, of them deferred, seconds since first due) → wait, or nil for a dead letter
            (42.0, 1, 0, 0.0, 42.0 as Double?),
            (2, 8, 7, 100, 2),           // eight quick 503s with Retry-After: 2 are not the end of the entry
            (1800, 3, 2, 300, 1800),     // the third attempt, two of them deferred: still inside the span
            (1800, 3, 2, 400, nil),      // a wait that would end past the span: a dead letter
            (0, 50, 49, 2_000, 0),
          ])
    func retryAfter(asked: Double, attempts: Int, deferrals: Int, elapsed: Double, expected: Double?) {
        let transition = OutboxTransition.after(
            .retryable(reason: "HTTP 503", retryAfter: asked), attempts: attempts, deferrals: deferrals,
            firstDueAt: now.addingTimeInterval(-elapsed), policy: policy, now: now, jitter: 0)
        if let expected {
            #expect(transition == OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(expected),
                                                   deferred: true))
        } else {
            #expect(transition.state == .dead)
        }
    }

    @Test("attempts the receiver deferred do not count against the schedule")
    func deferralsSpareTheSchedule() {
        // Four attempts, three of them answered with Retry-After: the next plain failure waits the schedule's second wait.
        let transition = OutboxTransition.after(.retryable(reason: "HTTP 500"), attempts: 5, deferrals: 3,
                                                firstDueAt: now, policy: policy, now: now, jitter: 0)
        #expect(transition.nextAttemptAt == now.addingTimeInterval(300))
        #expect(OutboxTransition.after(.retryable(reason: "HTTP 500"), attempts: 5, deferrals: 1, firstDueAt: now,
                                       policy: policy, now: now, jitter: 0).state == .dead)
    }
}
