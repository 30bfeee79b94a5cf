import Foundation

/// An outbox entry as operators see it (`outbox list`, `outbox dead`), without its payload.
package struct OutboxEntry: Sendable, Codable, Equatable {
    package var id: Int64
    package var eventID: String
    package var subscriberID: String
    package var channel: ChannelID
    package var generation: Int
    package var state: OutboxState
    package var attempts: Int
    package var nextAttemptAt: Date?
    package var lastError: String?
    package var messageID: String
    package var createdAt: String
    package var updatedAt: String

    package init(id: Int64, eventID: String, subscriberID: String, channel: ChannelID, generation: Int,
                 state: OutboxState, attempts: Int, nextAttemptAt: Date?, lastError: String?, messageID: String,
                 createdAt: String, updatedAt: String) {
        self.id = id
        self.eventID = eventID
        self.subscriberID = subscriberID
        self.channel = channel
        self.generation = generation
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.messageID = messageID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case eventID = "event_id"
        case subscriberID = "subscriber_id"
        case channel, generation, state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case messageID = "message_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
