import Foundation

/// What the senders need to know, resolved once per cycle (secrets included, never logged).
public struct DeliverySettings: Sendable {
    public enum EmailRoute: Sendable {
        case smtp(SMTPSettings)
        case file(URL)
    }

    public enum WebhookRoute: Sendable {
        case http(timeout: TimeInterval)
        case file(URL)
    }

    public var email: EmailRoute
    public var webhooks: WebhookRoute
    public var concurrency: Int
    public var retry: RetryPolicy
    /// Where webhook secrets are read from at each attempt (the process environment in production).
    public var environment: ProcessEnvironment

    public init(email: EmailRoute, webhooks: WebhookRoute, concurrency: Int, retry: RetryPolicy,
                environment: ProcessEnvironment) {
        self.email = email
        self.webhooks = webhooks
        self.concurrency = concurrency
        self.retry = retry
        self.environment = environment
    }
}

/// The SMTP relay, with the password already read from its environment variable or file.
public struct SMTPSettings: Sendable {
    public var url: String
    public var requireTLS: Bool
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var envelopeFrom: String
    public var connectTimeout: TimeInterval = 10
    public var timeout: TimeInterval = 60

    public init(url: String, requireTLS: Bool, username: String?, password: String?, caFile: String?,
                envelopeFrom: String) {
        self.url = url
        self.requireTLS = requireTLS
        self.username = username
        self.password = password
        self.caFile = caFile
        self.envelopeFrom = envelopeFrom
    }
}

extension SMTPSettings: CustomStringConvertible, CustomReflectable {
    /// The relay and the login, never the password.
    public var description: String {
        "SMTP relay \(url) (user \(username ?? "none"), password \(password == nil ? "unset" : "withheld"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["url": url, "requireTLS": requireTLS, "username": username as Any,
                                "envelopeFrom": envelopeFrom], displayStyle: .struct)
    }
}
