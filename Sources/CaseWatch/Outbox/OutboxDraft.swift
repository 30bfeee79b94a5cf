import Foundation
import InternetMessage

/// A delivery to enqueue: one (event, subscriber, channel), rendered and ready to send.
///
/// Rendering happens before the transaction that records the event, so a retry sends the same bytes
/// with the same `Message-ID` / `webhook-id`. Webhook secrets are not stored: the entry names the
/// environment variable and each attempt signs with what it holds then (a rotation takes effect at once).
public struct OutboxDraft: Sendable {
    public var eventID: String
    public var subscriberID: String
    public var channel: Channel
    /// The e-mail address or the webhook URL.
    public var recipient: String
    /// The e-mail's Message-ID or the webhook-id.
    public var messageID: String
    /// The whole e-mail, or the webhook's JSON body.
    public var payload: [UInt8]
    public var secretEnv: String?
    /// 0 for the first delivery; an operator's replay adds one.
    public var generation: Int
    /// Where `payload` repeats lines that other entries of the same plan carry too (one alert's body, sent to
    /// many readers): the store keeps those lines once. Only how the entry is stored, never what is sent.
    public var sharedRuns: [SharedRun] = []

    public init(
        eventID: String, subscriberID: String, channel: Channel, recipient: String, messageID: String,
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
    public static func == (left: OutboxDraft, right: OutboxDraft) -> Bool {
        left.eventID == right.eventID && left.subscriberID == right.subscriberID && left.channel == right.channel
            && left.recipient == right.recipient && left.messageID == right.messageID && left.payload == right.payload
            && left.secretEnv == right.secretEnv && left.generation == right.generation
    }
}

extension OutboxDraft {
    /// `→ email ru-journalist (evt_…)`, for a dry run.
    public var summaryLine: String { "  → \(channel.rawValue) \(subscriberID) (\(eventID))" }
}

/// An entry claimed for delivery.
public struct DeliveryJob: Sendable {
    public var outboxID: Int64
    public var draft: OutboxDraft
    /// Attempts already made before this one.
    public var attempts: Int
}

/// One attempt's result, as the delivery shell hands it to the store.
public struct AttemptRecord: Sendable {
    public var job: DeliveryJob
    public var outcome: DeliveryOutcome
    public var transition: OutboxTransition
    public var startedAt: Date
    public var duration: TimeInterval
    /// The response code (HTTP status or SMTP reply), when one came.
    public var code: Int?
}
