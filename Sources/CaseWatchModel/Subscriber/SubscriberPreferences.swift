import Foundation

/// What a subscriber chose on their preference page: kept in the store (settings `preferences:<id>:<choice>`),
/// they take precedence over the subscriber file until the operator resets them (`subscribers reset`).
package struct SubscriberPreferences: Sendable, Equatable {
    package var language: Language?
    package var delivery: Subscriber.Delivery?
    package var digest: String?
    /// No alert is sent before this moment.
    package var pausedUntil: Date?
    /// Cases the subscriber no longer follows.
    package var unfollowed: Set<String> = []

    package init(language: Language? = nil, delivery: Subscriber.Delivery? = nil, digest: String? = nil,
                 pausedUntil: Date? = nil, unfollowed: Set<String> = []) {
        self.language = language
        self.delivery = delivery
        self.digest = digest
        self.pausedUntil = pausedUntil
        self.unfollowed = unfollowed
    }

    package static func prefix(_ subscriberID: String) -> String { "preferences:\(subscriberID):" }

    /// From the settings of one subscriber, by choice name (`language`, `delivery`, `digest`, `paused_until`,
    /// `unfollowed`); a value that no longer reads (a language removed) is ignored.
    package init(choices: [String: String]) {
        language = choices["language"].flatMap(Language.init(rawValue:))
        delivery = choices["delivery"].flatMap(Subscriber.Delivery.init(rawValue:))
        digest = choices["digest"].flatMap { $0.isEmpty ? nil : $0 }
        pausedUntil = choices["paused_until"].flatMap { Timestamp.date(iso8601: $0) }
        unfollowed = Set((choices["unfollowed"] ?? "").split(separator: " ").map(String.init))
    }

    /// The settings that keep these choices, by choice name; nil removes one.
    package var choices: [String: String?] {
        [
            "language": language?.rawValue,
            "delivery": delivery?.rawValue,
            "digest": digest,
            "paused_until": pausedUntil.map(Timestamp.iso8601),
            "unfollowed": unfollowed.isEmpty ? nil : unfollowed.sorted().joined(separator: " "),
        ]
    }

    /// `subscriber` with these choices over its file's settings.
    package func applied(to subscriber: Subscriber) -> Subscriber {
        var result = subscriber
        if let language { result.language = language }
        if let delivery {
            // A digest needs a schedule: the chosen one, else the file's, else every morning.
            if delivery == .digest { result.digest = digest ?? subscriber.digest ?? "0 8 * * *" }
            result.delivery = delivery
        }
        result.pausedUntil = pausedUntil
        result.filter.unfollowed = unfollowed
        return result
    }
}
