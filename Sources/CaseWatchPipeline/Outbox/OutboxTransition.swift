import CaseWatchModel
import Foundation

/// The life of one outbox entry as a pure state machine: given an attempt's outcome, the next state.
///
/// The delivery shell performs the attempt and writes what this returns; nothing here touches the store
/// or the network, so every transition is a one-line test.
package struct OutboxTransition: Sendable, Equatable {
    package var state: OutboxState
    /// When to try again, for `.retrying`.
    package var nextAttemptAt: Date?
    /// The endpoint is to be switched off on its channel (a webhook answering 410 Gone).
    package var disablesEndpoint: Bool

    package init(state: OutboxState, nextAttemptAt: Date?, disablesEndpoint: Bool) {
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.disablesEndpoint = disablesEndpoint
    }

    /// - Parameters:
    ///   - attempts: attempts made so far, including this one.
    ///   - jitter: a number in `-1...1` (random in production) that spreads retries by ±20%.
    package static func after(
        _ outcome: DeliveryOutcome, attempts: Int, policy: RetryPolicy, now: Date, jitter: Double
    ) -> OutboxTransition {
        switch outcome {
        case .delivered:
            return OutboxTransition(state: .delivered, nextAttemptAt: nil, disablesEndpoint: false)
        case .permanent:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesEndpoint: false)
        case .gone:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesEndpoint: true)
        case .retryable(_, let retryAfter):
            guard let delay = policy.delay(afterAttempt: attempts, retryAfter: retryAfter, jitter: jitter) else {
                return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesEndpoint: false)
            }
            return OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(delay), disablesEndpoint: false)
        }
    }
}

/// `delivery.retry`: the waits between attempts, then a dead letter.
package struct RetryPolicy: Sendable, Equatable {
    package var schedule: [TimeInterval]
    /// ±20% by default, so that receivers that come back are not hit by every retry at once.
    package var jitterFraction: Double

    package init(schedule: [TimeInterval], jitterFraction: Double = 0.2) {
        self.schedule = schedule
        self.jitterFraction = jitterFraction
    }

    /// The wait before attempt `attempts + 1`, or nil when the schedule is used up.
    ///
    /// A receiver's `Retry-After` is honoured as given (never earlier than it asked), capped at the
    /// schedule's longest wait so a misconfigured receiver cannot park an alert for days.
    package func delay(afterAttempt attempts: Int, retryAfter: TimeInterval?, jitter: Double) -> TimeInterval? {
        guard attempts >= 1, attempts <= schedule.count else { return nil }
        if let retryAfter {
            return min(max(retryAfter, 0), schedule.max() ?? retryAfter)
        }
        let clamped = min(max(jitter, -1), 1)
        return schedule[attempts - 1] * (1 + clamped * jitterFraction)
    }
}
