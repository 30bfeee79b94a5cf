/// How an alert leaves CaseWatch.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case email, webhook
}

/// One subscriber an event goes to, by which channels, and why it matched.
public struct Route: Sendable, Hashable {
    public var subscriber: Subscriber
    public var channels: [Channel]
    /// The filter keys that matched, in words (`countries: RU`), or "no filter" — what `preview` and the
    /// operator see when they ask why someone got an alert.
    public var reasons: [String]

    public init(subscriber: Subscriber, channels: [Channel], reasons: [String]) {
        self.subscriber = subscriber
        self.channels = channels
        self.reasons = reasons
    }
}

/// Channels an operator or a receiver has switched off, consulted on every routing decision.
public struct Suppressions: Sendable, Hashable {
    /// Subscribers who unsubscribed from e-mail (RFC 8058 one-click).
    public var unsubscribedEmail: Set<String>
    /// Subscribers whose webhook answered 410 Gone and is disabled until an operator enables it.
    public var disabledWebhooks: Set<String>

    public init(unsubscribedEmail: Set<String> = [], disabledWebhooks: Set<String> = []) {
        self.unsubscribedEmail = unsubscribedEmail
        self.disabledWebhooks = disabledWebhooks
    }
}
