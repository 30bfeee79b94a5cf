import Foundation

/// Routing and rendering together: for each new event, the outbox entries of every subscriber who
/// should get it, rendered and ready to send.
///
/// The e-mail of a digest subscriber waits for their digest slot (`digestDraft`); their webhook, for
/// machines, is sent at once.
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
        var drafts: [OutboxDraft] = []
        for event in events {
            for var route in Router.routes(for: event, subscribers: subscribers, suppressions: suppressions) {
                if route.subscriber.delivery == .digest { route.channels.removeAll { $0 == .email } }
                guard !route.channels.isEmpty else { continue }
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

    /// The digest e-mail of `subscriber` for the slot at `slot`, holding `events` since `start`.
    public func digestDraft(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date) throws
        -> OutboxDraft?
    {
        guard let address = subscriber.email, !events.isEmpty else { return nil }
        let unsubscribeURL = unsubscribe.url(baseURL: baseURL, subscriberID: subscriber.id)
        let alert = renderer.renderDigest(events, for: subscriber, unsubscribeURL: unsubscribeURL, start: start, end: slot)
        let stamp = Timestamp.iso8601(slot)
        let slotTag = stamp.filter { $0.isNumber }
        let messageID = "digest.\(slotTag).\(subscriber.id)@\(composer.domain)"
        let bytes = try composer.compose(
            alert, subscriber: subscriber, to: address, messageID: messageID, threadRoot: nil,
            tag: "digest \(stamp) \(events.count)", unsubscribeURL: unsubscribeURL, date: slot)
        return OutboxDraft(eventID: "digest:\(stamp)", subscriberID: subscriber.id, channel: .email, recipient: address,
                           messageID: messageID, payload: bytes)
    }
}
