import CaseWatchModel
import CaseWatchRendering
import Foundation
import InternetMessage

/// E-mail: RFC 5322 messages composed at plan time (one Message-ID per event, subscriber and replay), sent over
/// SMTP through libcurl or written as `.eml` files (the embedded default).
package struct EmailChannel: AlertChannel {
    /// Where composed messages go.
    package enum Delivery: Sendable {
        case smtp(SMTPSettings)
        case file(URL)
        /// Composing only (`preview`, `check`).
        case unconfigured
    }

    package let composer: EmailComposer
    package let delivery: Delivery
    /// Signs each message as it is sent (`email.dkim`); nil sends them unsigned.
    package let signer: DKIMSigner?

    package init(composer: EmailComposer, delivery: Delivery, signer: DKIMSigner? = nil) {
        self.composer = composer
        self.delivery = delivery
        self.signer = signer
    }

    package var id: ChannelID { .email }
    package var limits: ChannelLimits { ChannelLimits() }

    package func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?
    {
        guard let address = subscriber.email else { return nil }
        let unsubscribeURL = context.links.unsubscribeURL(for: subscriber.id)
        let preferencesURL = context.links.preferencesURL(for: subscriber.id)
        let alert: RenderedAlert
        var bodies: BodyEncodingCache?
        if let stenciled = context.rendering?.alert(for: subscriber, unsubscribeURL: unsubscribeURL,
                                                    preferencesURL: preferencesURL, companions: context.companions) {
            (alert, bodies) = (stenciled.alert, stenciled.bodies)
        } else {
            alert = context.renderer.render(event, for: subscriber, unsubscribeURL: unsubscribeURL,
                                            preferencesURL: preferencesURL, now: context.now,
                                            companions: context.companions)
        }
        context.renderedSummary = alert.summary
        let message = try composer.compose(alert, event: event, subscriber: subscriber, to: address,
                                           unsubscribeURL: unsubscribeURL, generation: context.generation,
                                           date: context.now, bodies: bodies, companions: context.companions.map(\.id))
        var draft = OutboxDraft(eventID: event.id, subscriberID: subscriber.id, channel: .email, recipient: address,
                                messageID: message.messageID, payload: message.bytes, generation: context.generation)
        draft.sharedSpans = message.sharedRuns.map { SharedSpan(octets: $0.lines, offset: $0.offset, count: $0.count) }
        return draft
    }

    /// The digest e-mail of `subscriber` for the slot at `slot`, holding `events` since `start`.
    package func digestDraft(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date,
                             renderer: AlertRenderer, links: SubscriberLinks) throws -> OutboxDraft?
    {
        guard let address = subscriber.email, !events.isEmpty else { return nil }
        let unsubscribeURL = links.unsubscribeURL(for: subscriber.id)
        let alert = renderer.renderDigest(events, for: subscriber, unsubscribeURL: unsubscribeURL,
                                          preferencesURL: links.preferencesURL(for: subscriber.id), start: start, end: slot)
        let stamp = Timestamp.iso8601(slot)
        let slotTag = stamp.filter { $0.isNumber }
        let messageID = "digest.\(slotTag).\(subscriber.id)@\(composer.domain)"
        let bytes = try composer.compose(
            alert, subscriber: subscriber, to: address, messageID: messageID, threadRoot: nil,
            tag: "digest \(stamp) \(events.count)", unsubscribeURL: unsubscribeURL, date: slot)
        return OutboxDraft(eventID: "digest:\(stamp)", subscriberID: subscriber.id, channel: .email, recipient: address,
                           messageID: messageID, payload: bytes)
    }

    /// A plain-text e-mail to the operator (`operator.email`): an endpoint disabled, a source that keeps failing.
    package func operatorNotice(to address: String, subject: String, text: String, id: String, date: Date) throws
        -> OutboxDraft
    {
        let messageID = "\(id)@\(composer.domain)"
        let reader = Subscriber(id: "operator", name: "CaseWatch operator", email: address)
        let bytes = try composer.compose(RenderedAlert(subject: subject, text: text, html: "", summary: subject),
                                         subscriber: reader, to: address, messageID: messageID, threadRoot: nil,
                                         tag: "operator", unsubscribeURL: nil, date: date)
        return OutboxDraft(eventID: id, subscriberID: "operator", channel: .email, recipient: address,
                           messageID: messageID, payload: bytes)
    }

    /// The header block, then each part decoded.
    package func preview(_ draft: OutboxDraft, at date: Date) -> String {
        let text = String(decoding: draft.payload, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        guard let split = text.range(of: "\n\n") else { return text }
        var output = String(text[..<split.lowerBound]) + "\n"
        for part in MIMEParts.decode(draft.payload) {
            output += "\n--- \(part.contentType) (decoded) ---\n" + part.body
        }
        return output
    }

    package func makeTransport() -> any ChannelTransport {
        let transport: any ChannelTransport = switch delivery {
        case .smtp(let settings): SMTPTransport(settings: settings)
        case .file(let directory): MailFileTransport(directory: directory)
        case .unconfigured: UnconfiguredTransport(channel: id)
        }
        guard let signer, !(transport is UnconfiguredTransport) else { return transport }
        return DKIMSigningTransport(transport, signer: signer)
    }
}

extension SharedLines: SharedOctets {}
