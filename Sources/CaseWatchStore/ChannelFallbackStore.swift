import CaseWatchModel
import Foundation

/// An alert left unsent on a channel whose endpoint was disabled after it was queued (a webhook's 410, a Matrix
/// 403 `M_FORBIDDEN`, a Telegram chat blocked or gone, `delivery.disable_after`): its entry settled as a dead letter
/// at or after the moment the endpoint was switched off.
package struct StrandedEntry: Sendable, Equatable {
    package var outboxID: Int64
    package var eventID: String
    package var subscriberID: String
    package var channel: ChannelID
    /// The address the entry was queued for (shown to operators through ``EndpointAddress/shown(_:)`` only).
    package var recipient: String
    /// Why the endpoint was disabled, as the opt-out keeps it.
    package var reason: String

    package init(outboxID: Int64, eventID: String, subscriberID: String, channel: ChannelID, recipient: String,
                 reason: String) {
        self.outboxID = outboxID
        self.eventID = eventID
        self.subscriberID = subscriberID
        self.channel = channel
        self.recipient = recipient
        self.reason = reason
    }
}

/// `channels: [matrix, email]` after queueing: an alert stranded on a disabled channel moves on to the subscriber's
/// next usable channel, once.
package protocol ChannelFallbackStore: Sendable {
    /// Stranded entries (see ``StrandedEntry``) on the channels `listed` gives for their subscriber (each key
    /// a subscriber id), not fallen back yet, oldest first, at most `limit`.
    func strandedEntries(listed: [String: Set<ChannelID>], limit: Int) async throws -> [StrandedEntry]
    /// Marks the stranded entry `outboxID` as fallen back and enqueues `drafts` (its alert on the next channel;
    /// none when no channel is left), in one transaction. False, enqueueing nothing, when it had fallen back
    /// already (another node, or an earlier cycle, did it).
    func fallBack(from outboxID: Int64, to drafts: [OutboxDraft], now: Date) async throws -> Bool
}
