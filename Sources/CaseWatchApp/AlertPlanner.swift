import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import Foundation

/// Routing and composing together: for each new event, the outbox entries of every subscriber who should get
/// it, composed by each of their channels and ready to send.
///
/// The e-mail and chat messages (Matrix, Telegram) of a digest subscriber wait for their digest slot
/// (`digestDrafts`); their webhook, for machines, is sent at once.
package struct AlertPlanner: Sendable {
    package let subscribers: [Subscriber]
    package var renderer: AlertRenderer
    /// Who received each event a correction of this plan corrects, by event id.
    package var recipients: [String: Set<String>] = [:]
    package let channels: ChannelRegistry
    package let links: SubscriberLinks
    /// `delivery.hold`: an event's alerts are not sent before this long after it was detected (reminders, which no
    /// edit makes, are not held; nor are replays, which an operator asks for).
    package var hold: TimeInterval = 0
    /// Told when a subscriber's own webhook template fails for an event (the standard body goes instead).
    package var templateFailure: (@Sendable (_ subscriberID: String, _ reason: String) -> Void)?

    package init(subscribers: [Subscriber], renderer: AlertRenderer, channels: ChannelRegistry, links: SubscriberLinks) {
        self.subscribers = subscribers
        self.renderer = renderer
        self.channels = channels
        self.links = links
    }

    /// The entries for `events`; a header that would carry CR, LF or NUL makes the whole plan fail.
    ///
    /// Each event is rendered once per language (see ``EventRendering``), not once per subscriber: the
    /// messages are the same, byte for byte, as `drafts(for:route:generation:now:)` gives route by route.
    package func drafts(for events: [CaseEvent], suppressions: Suppressions, generation: Int = 0, now: Date) throws
        -> [OutboxDraft]
    {
        var all: [OutboxDraft] = []
        try self.drafts(for: events, suppressions: suppressions, generation: generation, now: now, chunkSize: Int.max) {
            all += $0
        }
        return all
    }

    /// The same entries as `drafts(for:suppressions:generation:now:)`, in the same order, handed to `consume` in
    /// chunks of `chunkSize` (a subscriber's entries are never split across chunks) as they are composed, so
    /// that a caller writing them holds one chunk at a time rather than the whole audience's messages. Write them
    /// in one transaction, as the plan must succeed or fail whole: an error, from composing or from `consume`,
    /// ends the plan, and the chunks already consumed must then be discarded.
    package func drafts(
        for events: [CaseEvent], suppressions: Suppressions, generation: Int = 0, now: Date, chunkSize: Int,
        _ consume: ([OutboxDraft]) throws -> Void
    ) throws {
        let chunkSize = max(1, chunkSize)
        var chunk: [OutboxDraft] = []
        chunk.reserveCapacity(min(chunkSize, 4096) + 1)
        var context = composeContext(generation: generation, now: now)
        // The events of one case, detected in one cycle, reach a reader as one e-mail: the first one routed to them
        // carries the others; webhooks get one request per event.
        for group in Self.groupedByCase(events) {
            let routes = group.map { event in
                Router.routes(for: event, subscribers: subscribers, suppressions: suppressions, recipients: recipients)
            }
            var mailed: [String: [CaseEvent]] = [:]
            for (event, eventRoutes) in zip(group, routes) {
                for route in eventRoutes where route.channels.contains(.email) && route.subscriber.delivery != .digest {
                    mailed[route.subscriber.id, default: []].append(event)
                }
            }
            for (event, eventRoutes) in zip(group, routes) {
                context.begin(event)
                for route in eventRoutes {
                    let mail = mailed[route.subscriber.id] ?? []
                    context.companions = mail.first?.id == event.id ? Array(mail.dropFirst()) : []
                    let skipMail = mail.count > 1 && mail.first?.id != event.id
                    try compose(event, route: route, holdingDigests: true, skippingMail: skipMail, in: &context,
                                to: &chunk)
                    if chunk.count >= chunkSize {
                        try consume(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        context.companions = []
        if !chunk.isEmpty { try consume(chunk) }
    }

    /// `events` in groups by case, each group in detection order, the groups in the order their cases first come.
    static func groupedByCase(_ events: [CaseEvent]) -> [[CaseEvent]] {
        var order: [String] = []
        var groups: [String: [CaseEvent]] = [:]
        for event in events {
            if groups[event.caseID] == nil { order.append(event.caseID) }
            groups[event.caseID, default: []].append(event)
        }
        return order.map { groups[$0]! }
    }

    /// The entries of one event for one route, each subscriber rendered on their own (what `preview` shows).
    package func drafts(for event: CaseEvent, route: Route, generation: Int, now: Date) throws -> [OutboxDraft] {
        var drafts: [OutboxDraft] = []
        var context = composeContext(generation: generation, now: now)
        try compose(event, route: route, holdingDigests: false, skippingMail: false, in: &context, to: &drafts)
        return drafts
    }

    /// Appends the entries of one event for one route, channel by channel; with `holdingDigests`, a digest
    /// subscriber's e-mail and chat messages wait for their digest.
    private func compose(_ event: CaseEvent, route: Route, holdingDigests: Bool, skippingMail: Bool,
                         in context: inout ComposeContext, to drafts: inout [OutboxDraft]) throws {
        context.renderedSummary = nil
        for id in route.channels {
            if holdingDigests, Self.digestChannels.contains(id), route.subscriber.delivery == .digest { continue }
            if skippingMail, id == .email { continue }  // carried by the case's first e-mail of this plan
            guard let channel = channels[id],
                  var draft = try channel.compose(event, for: route.subscriber, in: &context)
            else { continue }
            if hold > 0, !event.type.isReminder, context.generation == 0 {
                draft.dueAt = event.detectedAt.addingTimeInterval(hold)
            }
            drafts.append(draft)
        }
    }

    private func composeContext(generation: Int, now: Date) -> ComposeContext {
        ComposeContext(renderer: renderer, links: links, generation: generation, now: now,
                       templateFailure: templateFailure)
    }

    /// An e-mail to the operator, when e-mail is configured.
    package func operatorNotice(to address: String, subject: String, text: String, id: String, date: Date) throws
        -> OutboxDraft?
    {
        guard let email = channels[.email] as? EmailChannel else { return nil }
        return try email.operatorNotice(to: address, subject: subject, text: text, id: id, date: date)
    }

    /// The channels whose messages a digest subscriber gets as digests: those read by people.
    package static let digestChannels: Set<ChannelID> = [.email, .matrix, .telegram]

    /// Every digest of `subscriber` for the slot at `slot` (e-mail, Matrix, Telegram, as they have endpoints that
    /// `suppressions` leave on), holding `events` since `start`.
    package func digestDrafts(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date,
                              suppressions: Suppressions) throws -> [OutboxDraft]
    {
        var drafts: [OutboxDraft] = []
        for id in subscriber.deliveryChannels(suppressions: suppressions) where Self.digestChannels.contains(id) {
            var draft: OutboxDraft?
            if let email = channels[id] as? EmailChannel {
                draft = try email.digestDraft(for: subscriber, events: events, start: start, slot: slot,
                                              renderer: renderer, links: links)
            } else if let matrix = channels[id] as? MatrixChannel {
                draft = matrix.digestDraft(for: subscriber, events: events, start: start, slot: slot,
                                           renderer: renderer)
            } else if let telegram = channels[id] as? TelegramChannel {
                draft = telegram.digestDraft(for: subscriber, events: events, start: start, slot: slot,
                                             renderer: renderer)
            }
            if let draft { drafts.append(draft) }
        }
        return drafts
    }

    /// The digest e-mail of `subscriber` for the slot at `slot`, holding `events` since `start`.
    package func digestDraft(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date) throws
        -> OutboxDraft?
    {
        guard let email = channels[.email] as? EmailChannel else { return nil }
        return try email.digestDraft(for: subscriber, events: events, start: start, slot: slot, renderer: renderer,
                                     links: links)
    }
}
