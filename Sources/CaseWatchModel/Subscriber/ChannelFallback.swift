/// `channels: [matrix, email]`: the subscriber's channels in order of preference, of which an alert takes the first
/// that is usable (its address not unsubscribed, bounced, disabled or erased), the rest standing by.
///
/// Channels the subscriber has but does not list keep receiving every alert, as without the list (a webhook for an
/// organisation's system beside a person's fallback chain); without the list every channel receives every alert.
package struct ChannelFallback: Sendable, Hashable {
    /// The listed channels, most preferred first: each one the subscriber has, none twice (checked when read).
    package var order: [ChannelID]

    package init(_ order: [ChannelID]) {
        self.order = order
    }

    /// Of `available` (in their composing order), those an alert goes to: the first channel of `order` that
    /// `usable` accepts, and every unlisted one it accepts.
    package func channels(of available: [ChannelID], usable: (ChannelID) -> Bool) -> [ChannelID] {
        let chosen = order.first(where: { available.contains($0) && usable($0) })
        return available.filter { channel in
            order.contains(channel) ? channel == chosen : usable(channel)
        }
    }

    /// Of `drafts`, re-planned for an alert left unsent on `stranded` (its endpoint disabled after it was queued),
    /// those that carry the alert on along the list: on a listed channel other than `stranded`. The channels outside
    /// the list had the alert when it was first queued and get nothing again.
    package func onward(from stranded: ChannelID, _ drafts: [OutboxDraft]) -> [OutboxDraft] {
        drafts.filter { $0.channel != stranded && order.contains($0.channel) }
    }
}

extension Subscriber {
    /// The channels an alert goes to now: every channel whose address `suppressions` leave on, or, with a
    /// `channels:` list, the first usable one of it (and the channels outside the list).
    package func deliveryChannels(suppressions: Suppressions) -> [ChannelID] {
        let usable = { (channel: ChannelID) in !suppressions.contains(self, channel: channel) }
        guard let fallback else { return channels.filter(usable) }
        return fallback.channels(of: channels, usable: usable)
    }
}
