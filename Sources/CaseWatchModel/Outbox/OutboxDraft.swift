import Foundation


/// A delivery to enqueue: one (event, subscriber, channel), rendered and ready to send.
///
/// Rendering happens before the transaction that records the event, so a retry sends the same bytes
/// with the same `Message-ID` / `webhook-id`. Webhook secrets are not stored: the entry names the
/// environment variable and each attempt signs with what it holds then (a rotation takes effect at once).
package struct OutboxDraft: Sendable {
    package var eventID: String
    package var subscriberID: String
    package var channel: ChannelID
    /// The e-mail address or the webhook URL.
    package var recipient: String
    /// The e-mail's Message-ID or the webhook-id.
    package var messageID: String
    /// The whole e-mail, or the webhook's JSON body.
    package var payload: [UInt8]
    package var secretEnv: String?
    /// 0 for the first delivery; an operator's replay adds one.
    package var generation: Int
    /// Where `payload` repeats lines that other entries of the same plan carry too (one alert's body, sent to
    /// many readers): the store keeps those lines once. Only how the entry is stored, never what is sent.
    package var sharedSpans: [SharedSpan] = []
    /// Not sent before this moment (`delivery.hold` after detection); nil: due when enqueued.
    package var dueAt: Date?

    package init(
        eventID: String, subscriberID: String, channel: ChannelID, recipient: String, messageID: String,
        payload: [UInt8], secretEnv: String? = nil, generation: Int = 0
    ) {
        self.eventID = eventID
        self.subscriberID = subscriberID
        self.channel = channel
        self.recipient = recipient
        self.messageID = messageID
        self.payload = payload
        self.secretEnv = secretEnv
        self.generation = generation
    }
}

extension OutboxDraft: Equatable {
    /// Entries are equal when they deliver the same thing, however they are stored.
    package static func == (left: OutboxDraft, right: OutboxDraft) -> Bool {
        left.eventID == right.eventID && left.subscriberID == right.subscriberID && left.channel == right.channel
            && left.recipient == right.recipient && left.messageID == right.messageID && left.payload == right.payload
            && left.secretEnv == right.secretEnv && left.generation == right.generation
    }
}

extension OutboxDraft {
    /// `→ email ru-journalist (evt_…)`, for a dry run.
    package var summaryLine: String { "  → \(channel.rawValue) \(subscriberID) (\(eventID))" }
}

/// An entry claimed for delivery.
package struct DeliveryJob: Sendable {
    package var outboxID: Int64
    package var draft: OutboxDraft
    /// Attempts already made before this one.
    package var attempts: Int
    /// Of those, how many the receiver answered with `Retry-After`.
    package var deferrals: Int
    /// When the entry first came due.
    package var firstDueAt: Date?

    package init(outboxID: Int64, draft: OutboxDraft, attempts: Int, deferrals: Int = 0, firstDueAt: Date? = nil) {
        self.outboxID = outboxID
        self.draft = draft
        self.attempts = attempts
        self.deferrals = deferrals
        self.firstDueAt = firstDueAt
    }
}
