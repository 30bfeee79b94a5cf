import Foundation

/// Someone who receives alerts: a person by e-mail, an organisation's system by webhook, or both.
public struct Subscriber: Sendable, Hashable {
    public enum Delivery: String, Sendable, CaseIterable {
        /// Each alert as soon as it is detected.
        case immediate
        /// One message per slot of the `digest` cron expression.
        case digest
    }

    public var id: String
    public var name: String
    public var language: Language
    public var email: String?
    public var webhook: WebhookEndpoint?
    public var filter: SubscriberFilter
    public var delivery: Delivery
    /// A cron expression, in `timezone`, for `delivery: digest`.
    public var digest: String?
    public var timezone: String
    /// The file it was read from, for messages.
    public var file: String

    public init(
        id: String, name: String, language: Language = .en, email: String? = nil, webhook: WebhookEndpoint? = nil,
        filter: SubscriberFilter = SubscriberFilter(), delivery: Delivery = .immediate, digest: String? = nil,
        timezone: String = "UTC", file: String = ""
    ) {
        self.id = id
        self.name = name
        self.language = language
        self.email = email
        self.webhook = webhook
        self.filter = filter
        self.delivery = delivery
        self.digest = digest
        self.timezone = timezone
        self.file = file
    }
}

extension Subscriber {
    /// The subscriber's time zone (validated on load; UTC if it ever were not known).
    public var timeZone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }
}

/// Where an organisation's system receives webhooks, and where the signing secrets are.
public struct WebhookEndpoint: Sendable, Hashable {
    public var url: String
    /// The environment variable holding the secret (`whsec_…`); during a rotation it holds several,
    /// separated by spaces, and each one signs.
    public var secretEnv: String
    /// A body template of the subscriber's own (`templates/webhooks/<name>.mustache`); nil for the
    /// standard versioned payload.
    public var template: String?

    public init(url: String, secretEnv: String, template: String? = nil) {
        self.url = url
        self.secretEnv = secretEnv
        self.template = template
    }
}

/// Which events a subscriber wants: every key given must match; an absent (or empty) key matches all.
public struct SubscriberFilter: Sendable, Hashable {
    public var countries: [String]?
    public var types: [CaseType]?
    public var events: [EventType]?
    public var statuses: [CaseStatus]?
    public var cases: [String]?
    public var tags: [String]?

    public init(
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
