import CaseWatchModel
import CaseWatchPipeline

/// The signed links an alert carries for its reader: unsubscribe (RFC 8058), under the daemon's `http.base_url`.
package struct SubscriberLinks: Sendable {
    package let tokens: UnsubscribeToken
    package let baseURL: String

    package init(tokens: UnsubscribeToken, baseURL: String) {
        self.tokens = tokens
        self.baseURL = baseURL
    }

    package func unsubscribeURL(for subscriberID: String) -> String {
        tokens.url(baseURL: baseURL, subscriberID: subscriberID)
    }

    /// The subscriber's preference page, signed with the same keys for its own purpose.
    package func preferencesURL(for subscriberID: String) -> String {
        tokens.withPurpose(.preferences).url(baseURL: baseURL, subscriberID: subscriberID)
    }
}
