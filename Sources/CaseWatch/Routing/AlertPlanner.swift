import Foundation

/// Routing and rendering together: for each new event, the outbox entries of every subscriber who
/// should get it, rendered and ready to send.
///
/// Digest subscribers get nothing here; their events wait for their digest slot.
public struct AlertPlanner: Sendable {
    public let subscribers: [Subscriber]
    public let renderer: AlertRenderer
    public let composer: EmailComposer
    public let unsubscribe: UnsubscribeToken
    public let baseURL: String

    public init(subscribers: [Subscriber], renderer: AlertRenderer, composer: EmailComposer,
                unsubscribe: UnsubscribeToken, baseURL: String) {
        self.subscribers = subscribers
        self.renderer = renderer
        self.composer = composer
        self.unsubscribe = unsubscribe
        self.baseURL = baseURL
    }

    /// The entries for `events`; a header that would carry CR, LF or NUL makes the whole plan fail.
    public func drafts(for events: [CaseEvent], suppressions: Suppressions, generation: Int = 0, now: Date) throws
        -> [OutboxDraft]
    {
        let immediate = subscribers.filter { $0.delivery == .immediate }
        var drafts: [OutboxDraft] = []
        for event in events {
            for route in Router.routes(for: event, subscribers: immediate, suppressions: suppressions) {
                drafts += try self.drafts(for: event, route: route, generation: generation, now: now)
            }
        }
        return drafts
    }

    /// The entries of one event for one route (also what `preview` shows).
    public func drafts(for event: CaseEvent, route: Route, generation: Int, now: Date) throws -> [OutboxDraft] {
        let subscriber = route.subscriber
        let unsubscribeURL = unsubscribe.url(baseURL: baseURL, subscriberID: subscriber.id)
        // Webhook-only subscribers need the summary line alone, not the whole e-mail.
        let alert = route.channels.contains(.email)
            ? renderer.render(event, for: subscriber, unsubscribeURL: unsubscribeURL) : nil
        let summary = alert?.summary ?? renderer.summary(event, language: subscriber.language)
        var drafts: [OutboxDraft] = []
        for channel in route.channels {
            switch channel {
            case .email:
                guard let address = subscriber.email, let alert else { continue }
                let message = try composer.compose(alert, event: event, subscriber: subscriber, to: address,
                                                   unsubscribeURL: unsubscribeURL, generation: generation, date: now)
                drafts.append(OutboxDraft(
                    eventID: event.id, subscriberID: subscriber.id, channel: .email, recipient: address,
                    messageID: message.messageID, payload: message.bytes, generation: generation))
            case .webhook:
                guard let webhook = subscriber.webhook else { continue }
                drafts.append(OutboxDraft(
                    eventID: event.id, subscriberID: subscriber.id, channel: .webhook, recipient: webhook.url,
                    messageID: WebhookSignature.messageID(eventID: event.id, subscriberID: subscriber.id,
                                                          generation: generation),
                    payload: WebhookPayload.body(event: event, subscriber: subscriber, summary: summary),
                    secretEnv: webhook.secretEnv, generation: generation))
            }
        }
        return drafts
    }
}
