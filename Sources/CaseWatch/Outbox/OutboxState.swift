import Foundation

/// Where an outbox entry stands: `pending → delivered | retrying | dead` (a claimed entry stays pending, or
/// retrying, until its outcome is recorded).
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt (or re-queued by an operator, or recovered after a crash).
    case pending
    /// Handed to a worker by an earlier CaseWatch, whose claims marked entries so; a crash left it here, and
    /// the next run puts it back to pending.
    case sending
    case delivered
    /// Failed, and will be tried again at `next_attempt_at`.
    case retrying
    /// Given up: kept as a dead letter for `outbox dead` / `outbox retry`.
    case dead
}

/// The life of one outbox entry as a pure state machine: given an attempt's outcome, the next state.
///
/// The delivery shell performs the attempt and writes what this returns; nothing here touches the store
/// or the network, so every transition is a one-line test.
public struct OutboxTransition: Sendable, Equatable {
    public var state: OutboxState
    /// When to try again, for `.retrying`.
    public var nextAttemptAt: Date?
    /// The subscriber's webhook is to be disabled (410 Gone).
    public var disablesWebhook: Bool

    public init(state: OutboxState, nextAttemptAt: Date?, disablesWebhook: Bool) {
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.disablesWebhook = disablesWebhook
    }

    /// - Parameters:
    ///   - attempts: attempts made so far, including this one.
    ///   - jitter: a number in `-1...1` (random in production) that spreads retries by ±20%.
    public static func after(
        _ outcome: DeliveryOutcome, attempts: Int, policy: RetryPolicy, now: Date, jitter: Double
    ) -> OutboxTransition {
        switch outcome {
        case .delivered:
            return OutboxTransition(state: .delivered, nextAttemptAt: nil, disablesWebhook: false)
        case .permanent:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesWebhook: false)
        case .gone:
            return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesWebhook: true)
        case .retryable(_, let retryAfter):
            guard let delay = policy.delay(afterAttempt: attempts, retryAfter: retryAfter, jitter: jitter) else {
                return OutboxTransition(state: .dead, nextAttemptAt: nil, disablesWebhook: false)
            }
            return OutboxTransition(state: .retrying, nextAttemptAt: now.addingTimeInterval(delay), disablesWebhook: false)
        }
    }
}

/// `delivery.retry`: the waits between attempts, then a dead letter.
public struct RetryPolicy: Sendable, Equatable {
    public var schedule: [TimeInterval]
    /// ±20% by default, so that receivers that come back are not hit by every retry at once.
    public var jitterFraction: Double

    public init(schedule: [TimeInterval], jitterFraction: Double = 0.2) {
        self.schedule = schedule
        self.jitterFraction = jitterFraction
    }

    /// The wait before attempt `attempts + 1`, or nil when the schedule is used up.
    ///
    /// A receiver's `Retry-After` is honoured as given (never earlier than it asked), capped at the
    /// schedule's longest wait so a misconfigured receiver cannot park an alert for days.
    public func delay(afterAttempt attempts: Int, retryAfter: TimeInterval?, jitter: Double) -> TimeInterval? {
        guard attempts >= 1, attempts <= schedule.count else { return nil }
        if let retryAfter {
            return min(max(retryAfter, 0), schedule.max() ?? retryAfter)
        }
        let clamped = min(max(jitter, -1), 1)
        return schedule[attempts - 1] * (1 + clamped * jitterFraction)
    }
}
