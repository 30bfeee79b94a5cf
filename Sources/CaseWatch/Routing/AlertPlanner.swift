import Foundation
import InternetMessage

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
    /// Told when a subscriber's own webhook template fails for an event (see `ownTemplateBody`).
    public var templateFailure: (@Sendable (_ subscriberID: String, _ reason: String) -> Void)?

    public init(subscribers: [Subscriber], renderer: AlertRenderer, composer: EmailComposer,
                unsubscribe: UnsubscribeToken, baseURL: String) {
        self.subscribers = subscribers
        self.renderer = renderer
        self.composer = composer
        self.unsubscribe = unsubscribe
        self.baseURL = baseURL
    }

    /// The entries for `events`; a header that would carry CR, LF or NUL makes the whole plan fail.
    ///
    /// Each event is rendered once per language (see ``EventRendering``), not once per subscriber: the
    /// messages are the same, byte for byte, as `drafts(for:route:generation:now:)` gives route by route.
    public func drafts(for events: [CaseEvent], suppressions: Suppressions, generation: Int = 0, now: Date) throws
        -> [OutboxDraft]
    {
        var drafts: [OutboxDraft] = []
        for event in events {
            var rendering: EventRendering? = EventRendering(event: event, renderer: renderer)
            let routes = Router.routes(for: event, subscribers: subscribers, suppressions: suppressions)
            drafts.reserveCapacity(drafts.count + routes.reduce(0) { $0 + $1.channels.count })
            for var route in routes {
                if route.subscriber.delivery == .digest { route.channels.removeAll { $0 == .email } }
                guard !route.channels.isEmpty else { continue }
                try appendDrafts(for: event, route: route, generation: generation, now: now, rendering: &rendering,
                                 to: &drafts)
            }
        }
        return drafts
    }

    /// The same entries as `drafts(for:suppressions:generation:now:)`, in the same order, handed to `consume` in
    /// chunks of `chunkSize` (one more when a route's e-mail and webhook end a chunk) as they are rendered, so
    /// that a caller writing them holds one chunk at a time rather than the whole audience's messages. Write them
    /// in one transaction, as the plan must succeed or fail whole: an error, from rendering or from `consume`,
    /// ends the plan, and the chunks already consumed must then be discarded.
    public func drafts(
        for events: [CaseEvent], suppressions: Suppressions, generation: Int = 0, now: Date, chunkSize: Int,
        _ consume: ([OutboxDraft]) throws -> Void
    ) throws {
        let chunkSize = max(1, chunkSize)
        var chunk: [OutboxDraft] = []
        chunk.reserveCapacity(chunkSize + 1)
        for event in events {
            var rendering: EventRendering? = EventRendering(event: event, renderer: renderer)
            for var route in Router.routes(for: event, subscribers: subscribers, suppressions: suppressions) {
                if route.subscriber.delivery == .digest { route.channels.removeAll { $0 == .email } }
                guard !route.channels.isEmpty else { continue }
                try appendDrafts(for: event, route: route, generation: generation, now: now, rendering: &rendering,
                                 to: &chunk)
                if chunk.count >= chunkSize {
                    try consume(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        }
        if !chunk.isEmpty { try consume(chunk) }
    }

    /// The entries of one event for one route (also what `preview` shows).
    public func drafts(for event: CaseEvent, route: Route, generation: Int, now: Date) throws -> [OutboxDraft] {
        var drafts: [OutboxDraft] = []
        var rendering: EventRendering? = nil
        try appendDrafts(for: event, route: route, generation: generation, now: now, rendering: &rendering, to: &drafts)
        return drafts
    }

    /// Appends the entries of one event for one route, rendered through `rendering` when there is one and by the
    /// renderer itself otherwise.
    private func appendDrafts(
        for event: CaseEvent, route: Route, generation: Int, now: Date, rendering: inout EventRendering?,
        to drafts: inout [OutboxDraft]
    ) throws {
        let subscriber = route.subscriber
        // Webhook-only subscribers need the summary line alone, not the whole e-mail (nor its unsubscribe link).
        var unsubscribeURL: String?
        var alert: RenderedAlert?
        var bodies: BodyEncodingCache?
        if route.channels.contains(.email) {
            let url = unsubscribe.url(baseURL: baseURL, subscriberID: subscriber.id)
            unsubscribeURL = url
            if let stenciled = rendering?.alert(for: subscriber, unsubscribeURL: url) {
                (alert, bodies) = (stenciled.alert, stenciled.bodies)
            } else {
                alert = renderer.render(event, for: subscriber, unsubscribeURL: url)
            }
        }
        let summary = alert?.summary
            ?? rendering?.summary(language: subscriber.language)
            ?? renderer.summary(event, language: subscriber.language)
        for channel in route.channels {
            switch channel {
            case .email:
                guard let address = subscriber.email, let alert else { continue }
                let message = try composer.compose(alert, event: event, subscriber: subscriber, to: address,
                                                   unsubscribeURL: unsubscribeURL, generation: generation, date: now,
                                                   bodies: bodies)
                var draft = OutboxDraft(
                    eventID: event.id, subscriberID: subscriber.id, channel: .email, recipient: address,
                    messageID: message.messageID, payload: message.bytes, generation: generation)
                draft.sharedRuns = message.sharedRuns
                drafts.append(draft)
            case .webhook:
                guard let webhook = subscriber.webhook else { continue }
                let payload = ownTemplateBody(event, subscriber: subscriber, summary: summary)
                    ?? rendering?.webhookBody(for: subscriber, summary: summary)
                    ?? WebhookPayload.body(event: event, subscriber: subscriber, summary: summary)
                drafts.append(OutboxDraft(
                    eventID: event.id, subscriberID: subscriber.id, channel: .webhook, recipient: webhook.url,
                    messageID: WebhookSignature.messageID(eventID: event.id, subscriberID: subscriber.id,
                                                          generation: generation),
                    payload: payload, secretEnv: webhook.secretEnv, generation: generation))
            }
        }
    }

    /// The body of the subscriber's own template, if it names one. One that fails for this event (it does
    /// not make JSON with these values) never stops the cycle: the standard payload goes instead, and
    /// `templateFailure` is told why.
    private func ownTemplateBody(_ event: CaseEvent, subscriber: Subscriber, summary: String) -> [UInt8]? {
        guard let name = subscriber.webhook?.template else { return nil }
        do {
            return try renderer.webhookBody(event, for: subscriber, template: name, summary: summary)
        } catch {
            templateFailure?(subscriber.id, "\(error)")
            return nil
        }
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

/// What a plan renders once per event and reuses for every subscriber: the alert of each language (an
/// ``AlertStencil``), the summary line of each language, and the part of the webhook body that names no
/// subscriber. Lives for one event of one call of `drafts(for:suppressions:generation:now:)`.
struct EventRendering {
    private struct StencilKey: Hashable {
        var language: Language
        var hasName: Bool
        var hasURL: Bool
    }

    let event: CaseEvent
    let renderer: AlertRenderer
    /// nil for a combination whose stencil failed its check: those subscribers are rendered one by one.
    private var stencils: [StencilKey: AlertStencil?] = [:]
    private var summaries: [Language: String] = [:]
    private var webhookPrefix: [UInt8]?

    init(event: CaseEvent, renderer: AlertRenderer) {
        self.event = event
        self.renderer = renderer
    }

    /// What `renderer.render(event, for: subscriber, unsubscribeURL:)` gives, with the body cache of the stencil
    /// it comes from; nil when the templates need the renderer itself.
    mutating func alert(for subscriber: Subscriber, unsubscribeURL: String?)
        -> (alert: RenderedAlert, bodies: BodyEncodingCache)?
    {
        let key = StencilKey(language: subscriber.language, hasName: !subscriber.name.isEmpty,
                             hasURL: !(unsubscribeURL ?? "").isEmpty)
        let stencil: AlertStencil?
        if let made = stencils[key] {
            stencil = made
        } else {
            stencil = AlertStencil(renderer: renderer, event: event, language: key.language, hasName: key.hasName,
                                   hasURL: key.hasURL)
            stencils[key] = .some(stencil)
        }
        guard let stencil else { return nil }
        return (stencil.alert(subscriberName: subscriber.name, unsubscribeURL: unsubscribeURL), stencil.bodies)
    }

    /// What `renderer.summary(event, language:)` gives.
    mutating func summary(language: Language) -> String {
        if let summary = summaries[language] { return summary }
        let summary = renderer.summary(event, language: language)
        summaries[language] = summary
        return summary
    }

    /// What `WebhookPayload.body(event:subscriber:summary:)` gives.
    mutating func webhookBody(for subscriber: Subscriber, summary: String) -> [UInt8] {
        let prefix = webhookPrefix ?? WebhookPayload.sharedPrefix(event: event)
        webhookPrefix = prefix
        return WebhookPayload.body(sharedPrefix: prefix, subscriber: subscriber, summary: summary)
    }
}
