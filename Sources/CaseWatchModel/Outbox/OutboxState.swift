import Foundation

/// Where an outbox entry stands: `pending → delivered | retrying | dead` (a claimed entry stays pending, or
/// retrying, until its outcome is recorded); `withdrawn` and `silenced` are held back by the operator (or by an
/// edit undone within `delivery.hold`) before they left, kept with the reason.
package enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt (or re-queued by an operator, or recovered after a crash).
    case pending
    case delivered
    /// Failed, and will be tried again at `next_attempt_at`.
    case retrying
    /// Given up: kept as a dead letter for `outbox dead` / `outbox retry`.
    case dead
    /// Stopped before it left: its event was withdrawn (`events withdraw`, or the change undone within the hold).
    case withdrawn
    /// Not sent because a silence matched it when it came due; `outbox retry` sends it.
    case silenced
}
