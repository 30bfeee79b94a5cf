import CaseWatchModel
/// One subscriber an event goes to, by which channels, and why it matched.
package struct Route: Sendable, Hashable {
    package var subscriber: Subscriber
    package var channels: [ChannelID]
    /// The filter keys that matched, in words (`countries: RU`), or "no filter" — what `preview` and the
    /// operator see when they ask why someone got an alert.
    package var reasons: [String]

    package init(subscriber: Subscriber, channels: [ChannelID], reasons: [String]) {
        self.subscriber = subscriber
        self.channels = channels
        self.reasons = reasons
    }
}
