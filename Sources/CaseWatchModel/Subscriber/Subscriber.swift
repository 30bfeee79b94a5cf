import Foundation

/// Someone who receives alerts: a person by e-mail, an organisation's system by webhook, or both.
package struct Subscriber: Sendable, Hashable {
    package enum Delivery: String, Sendable, CaseIterable {
        /// Each alert as soon as it is detected.
        case immediate
        /// One message per slot of the `digest` cron expression.
        case digest
    }

    package var id: String
    package var name: String
    package var language: Language
    package var email: String?
    package var webhook: WebhookEndpoint?
    package var matrix: MatrixEndpoint?
    package var telegram: TelegramEndpoint?
    package var filter: SubscriberFilter
    package var delivery: Delivery
    /// A cron expression, in `timezone`, for `delivery: digest`.
    package var digest: String?
    package var timezone: String
    /// What alerts do with links to the websites of subjects designated undesirable or extremist.
    package var sourcesPolicy: SourcesPolicy
    /// The file it was read from, for messages.
    package var file: String
    /// The subscriber paused every alert until then (the preference page).
    package var pausedUntil: Date?
    /// `channels:`: the first usable of these channels gets each alert; nil: every channel does.
    package var fallback: ChannelFallback?

    package init(
        id: String, name: String, language: Language = .en, email: String? = nil, webhook: WebhookEndpoint? = nil,
        filter: SubscriberFilter = SubscriberFilter(), delivery: Delivery = .immediate, digest: String? = nil,
        timezone: String = "UTC", sourcesPolicy: SourcesPolicy = .all, file: String = "",
        matrix: MatrixEndpoint? = nil, telegram: TelegramEndpoint? = nil
    ) {
        self.id = id
        self.name = name
        self.language = language
        self.email = email
        self.webhook = webhook
        self.matrix = matrix
        self.telegram = telegram
        self.filter = filter
        self.delivery = delivery
        self.digest = digest
        self.timezone = timezone
        self.sourcesPolicy = sourcesPolicy
        self.file = file
    }
}

/// What alerts do with links to the websites of subjects of active undesirable or extremist designations: in
/// Russia, spreading such an organisation's material is an offence, and a reader there may not want the link.
package enum SourcesPolicy: String, Sendable, Hashable, CaseIterable {
    /// Every link, as the registry has it.
    case all
    /// Every link, those to such websites marked.
    case annotateListed = "annotate_listed"
    /// Links to such websites left out (the alert says how many).
    case omitListed = "omit_listed"
}

extension Subscriber {
    /// The subscriber's time zone (validated on load; UTC if it ever were not known).
    package var timeZone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }

    /// The channels the subscriber has an endpoint on, in the order alerts are composed for them.
    package var channels: [ChannelID] {
        var channels: [ChannelID] = []
        if email != nil { channels.append(.email) }
        if webhook != nil { channels.append(.webhook) }
        if matrix != nil { channels.append(.matrix) }
        if telegram != nil { channels.append(.telegram) }
        return channels
    }

    /// The subscriber's address on `channel` (an e-mail address, a webhook URL, a Matrix room's address on its
    /// homeserver, a Telegram chat id), nil when it has none there. Opt-outs are keyed on it.
    package func address(on channel: ChannelID) -> String? {
        switch channel {
        case .email: email
        case .webhook: webhook?.url
        case .matrix: matrix?.address
        case .telegram: telegram?.chatID
        default: nil
        }
    }
}

/// Where an organisation's system receives webhooks, and where the signing secrets are.
package struct WebhookEndpoint: Sendable, Hashable {
    package var url: String
    /// The environment variable holding the secret (`whsec_…`); during a rotation it holds several,
    /// separated by spaces, and each one signs.
    package var secretEnv: String
    /// A body template of the subscriber's own (`templates/webhooks/<name>.mustache`); nil for the
    /// standard versioned payload.
    package var template: String?
    /// The body's version: 1 (the default) keeps CaseWatch 1's body and event types for receivers written for it.
    package var version: Int
    /// The environment variable holding an Ed25519 signing key (`whsk_…`), which adds a `v1a` signature.
    package var signingKeyEnv: String?
    /// `webhook.rate`: how many requests the receiver takes per period; nil for no limit.
    package var rate: Rate?

    package init(url: String, secretEnv: String, template: String? = nil, version: Int = 1,
                 signingKeyEnv: String? = nil, rate: Rate? = nil) {
        self.url = url
        self.rate = rate
        self.secretEnv = secretEnv
        self.template = template
        self.version = version
        self.signingKeyEnv = signingKeyEnv
    }
}

/// Which events a subscriber wants: every key given must match; an absent (or empty) key matches all.
package struct SubscriberFilter: Sendable, Hashable {
    package var countries: [String]?
    package var types: [CaseType]?
    package var events: [EventType]?
    package var statuses: [CaseStatus]?
    package var cases: [String]?
    package var tags: [String]?
    /// Cases the subscriber chose to stop following (the preference page): their events do not match.
    package var unfollowed: Set<String> = []

    package init(
        countries: [String]? = nil, types: [CaseType]? = nil, events: [EventType]? = nil,
        statuses: [CaseStatus]? = nil, cases: [String]? = nil, tags: [String]? = nil
    ) {
        self.countries = countries
        self.types = types
        self.events = events
        self.statuses = statuses
        self.cases = cases
        self.tags = tags
    }
}
