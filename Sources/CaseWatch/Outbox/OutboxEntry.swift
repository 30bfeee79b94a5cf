import Foundation

/// An outbox entry as operators see it (`outbox list`, `outbox dead`), without its payload.
public struct OutboxEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var eventID: String
    public var subscriberID: String
    public var channel: Channel
    public var generation: Int
    public var state: OutboxState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var messageID: String
    public var createdAt: String
    public var updatedAt: String

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
