import Foundation

/// What one delivery attempt came to. A value, not an error: the outbox decides what follows from it.
package enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver took it (2xx, SMTP 250).
    case delivered(detail: String)
    /// Worth trying again later: a timeout, a refused connection, SMTP 4xx, HTTP 5xx…; `retryAfter` is
    /// the receiver's own `Retry-After`, in seconds, when it sent one.
    case retryable(reason: String, retryAfter: TimeInterval? = nil)
    /// Trying again cannot help (SMTP 5xx): a dead letter at once.
    case permanent(reason: String)
    /// The endpoint refuses for good (a webhook answering 410 Gone, a Matrix room whose bot was kicked, a Telegram
    /// chat that blocked the bot or is gone): it is switched off on its channel until an
    /// operator enables it.
    case gone(reason: String)
    /// The relay refused the recipient for good (SMTP 5xx at RCPT or DATA): a dead letter, and the address is
    /// suppressed until the operator resubscribes it. `reason` keeps the relay's reply text.
    case bounced(reason: String)

    package var detail: String {
        switch self {
        case .delivered(let text), .retryable(let text, _), .permanent(let text), .gone(let text), .bounced(let text): text
        }
    }
}

extension DeliveryOutcome {
    /// The outcome's name in the attempt log and in `--json` output.
    package var label: String {
        switch self {
        case .delivered: "delivered"
        case .retryable: "retryable"
        case .permanent: "permanent"
        case .gone: "gone"
        case .bounced: "bounced"
        }
    }
}
