import Foundation

/// Where an outbox entry stands: `pending → delivered | retrying | dead` (a claimed entry stays pending, or
/// retrying, until its outcome is recorded).
package enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt (or re-queued by an operator, or recovered after a crash).
    case pending
    case delivered
    /// Failed, and will be tried again at `next_attempt_at`.
    case retrying
    /// Given up: kept as a dead letter for `outbox dead` / `outbox retry`.
    case dead
}
