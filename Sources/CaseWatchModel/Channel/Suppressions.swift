/// The endpoints switched off, by channel: an e-mail address unsubscribed, a webhook that answered 410 Gone,
/// and whatever a later channel switches off. Consulted on every routing decision and every claim.
package struct Suppressions: Sendable, Hashable {
    private var subscribers: [ChannelID: Set<String>]

    package init(_ subscribers: [ChannelID: Set<String>] = [:]) {
        self.subscribers = subscribers
    }

    /// Whether `subscriberID`'s endpoint on `channel` is switched off.
    package func contains(subscriberID: String, channel: ChannelID) -> Bool {
        subscribers[channel]?.contains(subscriberID) ?? false
    }

    package mutating func insert(subscriberID: String, channel: ChannelID) {
        subscribers[channel, default: []].insert(subscriberID)
    }

    /// The subscribers switched off on `channel`.
    package func subscribers(on channel: ChannelID) -> Set<String> {
        subscribers[channel] ?? []
    }
}
