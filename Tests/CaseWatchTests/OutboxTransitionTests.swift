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
                                                                                disablesEndpoint: true))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 1)
            == OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(5), disablesEndpoint: false))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 3).nextAttemptAt == now.addingTimeInterval(1800))
        #expect(after(.retryable(reason: "HTTP 500"), attempts: 4).state == .dead)
    }

    @Test("jitter spreads retries by at most 20%", arguments: [-1.0, -0.5, 0, 0.5, 1, 7])
    func jitter(value: Double) throws {
        let next = try #require(after(.retryable(reason: "timeout"), attempts: 2, jitter: value).nextAttemptAt)
        let wait = next.timeIntervalSince(now)
        #expect(wait >= 240 && wait <= 360)
    }

    @Test("Retry-After is honoured as given, capped at the schedule's longest wait")
    func retryAfter() {
        #expect(after(.retryable(reason: "HTTP 429", retryAfter: 42), attempts: 1).nextAttemptAt
            == now.addingTimeInterval(42))
        #expect(after(.retryable(reason: "HTTP 503", retryAfter: 86400), attempts: 1).nextAttemptAt
            == now.addingTimeInterval(1800))
        #expect(after(.retryable(reason: "HTTP 503", retryAfter: 1), attempts: 4).state == .dead)
    }
}
