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
    /// The endpoint's address is to be opted out on its channel: `disabled` (a webhook answering 410 Gone),
    /// `bounced` (a recipient the relay refused for good).
    package var optOut: OptOut.Kind?
    /// The receiver asked for the wait (`Retry-After`): this attempt does not use up the retry schedule.
    package var deferred: Bool

    package init(state: OutboxState, nextAttemptAt: Date?, optOut: OptOut.Kind? = nil, deferred: Bool = false) {
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.optOut = optOut
        self.deferred = deferred
    }

    /// The endpoint is to be switched off on its channel.
    package var disablesEndpoint: Bool { optOut == .disabled }

    /// - Parameters:
    ///   - attempts: attempts made so far, including this one.
    ///   - deferrals: of those before this one, how many the receiver answered with `Retry-After`.
    ///   - firstDueAt: when the entry first came due; `Retry-After` waits are allowed until the schedule's whole
    ///     span has passed from there.
    ///   - jitter: a number in `-1...1` (random in production) that spreads retries by ±20%.
    package static func after(
        _ outcome: DeliveryOutcome, attempts: Int, deferrals: Int = 0, firstDueAt: Date? = nil, policy: RetryPolicy,
        now: Date, jitter: Double
    ) -> OutboxTransition {
        switch outcome {
        case .delivered:
            return OutboxTransition(state: .delivered, nextAttemptAt: nil)
        case .permanent:
            return OutboxTransition(state: .dead, nextAttemptAt: nil)
        case .gone:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, optOut: .disabled)
        case .bounced:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, optOut: .bounced)
        case .retryable(_, let retryAfter?):
            // The receiver said when: wait as asked, without using up the schedule, as long as the schedule's span
            // from the first due moment is not passed.
            let wait = max(retryAfter, 0)
            let end = (firstDueAt ?? now).addingTimeInterval(policy.span)
            guard now.addingTimeInterval(wait) <= end else {
                return OutboxTransition(state: .dead, nextAttemptAt: nil)
            }
            return OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(wait), deferred: true)
        case .retryable(_, nil):
            guard let delay = policy.delay(afterAttempt: attempts - deferrals, retryAfter: nil, jitter: jitter) else {
                return OutboxTransition(state: .dead, nextAttemptAt: nil)
            }
            return OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(delay))
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

    /// The schedule's whole span: how long an entry may be kept trying from when it first came due.
    package var span: TimeInterval { schedule.reduce(0, +) }

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
