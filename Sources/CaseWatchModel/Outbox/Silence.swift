import Foundation

/// A silence (as Alertmanager has them): for a while, deliveries of one case, to one subscriber, or of one event
/// type are not sent; they are kept, state `silenced`, with the silence's reason, and `outbox retry` sends one.
package struct Silence: Sendable, Codable, Equatable {
    package enum Matcher: String, Sendable, Codable, CaseIterable {
        case `case`, subscriber, type
    }

    package var id: Int64
    package var matcher: Matcher
    package var value: String
    package var startsAt: Date
    package var endsAt: Date
    package var reason: String

    package init(id: Int64, matcher: Matcher, value: String, startsAt: Date, endsAt: Date, reason: String) {
        self.id = id
        self.matcher = matcher
        self.value = value
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
    }

    package func isActive(at moment: Date) -> Bool { startsAt <= moment && moment < endsAt }

    /// Whether a delivery of an event of `caseID` and `type` (nil for a digest) to `subscriberID` falls under it.
    package func matches(caseID: String?, type: String?, subscriberID: String) -> Bool {
        switch matcher {
        case .case: caseID == value
        case .subscriber: subscriberID == value
        case .type: type == value
        }
    }

    /// What a silenced delivery keeps as its reason.
    package var note: String { "silenced by silence \(id) until \(Timestamp.iso8601(endsAt)): \(reason)" }

    enum CodingKeys: String, CodingKey {
        case id, matcher, value
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case reason
    }
}
