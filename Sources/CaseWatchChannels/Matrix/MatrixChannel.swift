import CaseWatchModel
import CaseWatchRendering
import Curl
import Foundation

/// Matrix: an `m.notice` per event and subscriber (or per digest), `PUT` into the subscriber's room through its
/// homeserver's client-server API by a bot user whose access token is in the environment (read on each attempt, so
/// a new token takes effect at once). Or written as `.json` files (the embedded default).
///
/// The message's transaction id is the entry's id (``ChatMessageID``), the same on every retry: a homeserver that
/// took the message once answers a retry with the same event, and the room shows it once.
package struct MatrixChannel: AlertChannel {
    package enum Delivery: Sendable {
        /// `network`: where the requests may connect (``NetworkGuard``); the default refuses every non-public address.
        case http(timeout: TimeInterval, network: NetworkGuard = NetworkGuard())
        case file(URL)
        /// Composing only (`preview`, `check`).
        case unconfigured
    }

    package let delivery: Delivery
    package let environment: ProcessEnvironment

    package init(delivery: Delivery, environment: ProcessEnvironment) {
        self.delivery = delivery
        self.environment = environment
    }

    package var id: ChannelID { .matrix }
    /// A Matrix event may not exceed 65,536 bytes; the body is kept well under it (``MatrixMessage``). A room takes
    /// ``defaultRate`` unless its subscriber sets `matrix.rate` (a homeserver's own limit on the bot user answers 429,
    /// which waits `retry_after_ms`).
    package var limits: ChannelLimits {
        ChannelLimits(maximumPayload: MatrixMessage.maximumBody, defaultRate: Self.defaultRate)
    }

    /// 5 messages a second per room when the subscriber file sets no `matrix.rate`.
    package static let defaultRate = Rate.perSecond(5)

    package func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?
    {
        guard let matrix = subscriber.matrix else { return nil }
        let summary = context.summary(event, language: subscriber.language)
        let html = context.renderer.renderChat(event, for: subscriber, summary: summary, now: context.now)
        return OutboxDraft(
            eventID: event.id, subscriberID: subscriber.id, channel: .matrix, recipient: matrix.address,
            messageID: ChatMessageID.make(eventID: event.id, subscriberID: subscriber.id, channel: .matrix,
                                          generation: context.generation),
            payload: MatrixMessage.body(html: html), secretEnv: matrix.accessTokenEnv, generation: context.generation)
    }

    /// The digest of `subscriber` for the slot at `slot` as one Matrix message; nil without events or a room.
    package func digestDraft(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date,
                             renderer: AlertRenderer) -> OutboxDraft?
    {
        guard let matrix = subscriber.matrix, !events.isEmpty else { return nil }
        let eventID = "digest:\(Timestamp.iso8601(slot))"
        let html = renderer.renderChatDigest(events, for: subscriber, start: start, end: slot)
        return OutboxDraft(
            eventID: eventID, subscriberID: subscriber.id, channel: .matrix, recipient: matrix.address,
            messageID: ChatMessageID.make(eventID: eventID, subscriberID: subscriber.id, channel: .matrix),
            payload: MatrixMessage.body(html: html), secretEnv: matrix.accessTokenEnv)
    }

    /// The request line, the headers (the token named, never shown) and the body.
    package func preview(_ draft: OutboxDraft, at date: Date) -> String {
        [
            "PUT \(MatrixMessage.url(draft))",
            "authorization: Bearer <$\(draft.secretEnv ?? "?")>",
            "content-type: application/json",
            "",
            String(decoding: draft.payload, as: UTF8.self),
        ].joined(separator: "\n")
    }

    package func makeTransport() -> any ChannelTransport {
        switch delivery {
        case .http(let timeout, let network):
            MatrixTransport(timeout: timeout, network: network, environment: environment)
        case .file(let directory): MatrixFileTransport(directory: directory)
        case .unconfigured: UnconfiguredTransport(channel: id)
        }
    }
}

/// The body and address of a Matrix message.
package enum MatrixMessage {
    /// Bytes of HTML kept in one message: the event (both bodies, escaped, and the envelope) stays under 64 KiB.
    static let maximumBody = 48 * 1024
    static let maximumHTML = 20 * 1024

    /// `{"msgtype":"m.notice","body":…,"format":"org.matrix.custom.html","formatted_body":…}`: a notice (bots
    /// post notices, which other bots do not answer), the plain text beside its HTML.
    package static func body(html: String) -> [UInt8] {
        let html = shortened(html)
        var writer = JSONWriter(capacity: html.utf8.count * 2 + 128)
        writer.object { json in
            json.field("msgtype", "m.notice")
            json.field("body", ChatHTML.plainText(html))
            json.field("format", "org.matrix.custom.html")
            json.field("formatted_body", ChatHTML.matrixFormatted(html))
        }
        return writer.bytes
    }

    /// `<room address>/send/m.room.message/<txn id>`.
    package static func url(_ draft: OutboxDraft) -> String {
        "\(draft.recipient)/send/m.room.message/\(MatrixEndpoint.pathSegment(draft.messageID))"
    }

    /// The message's first lines that fit in ``maximumHTML`` bytes, and a line saying the rest was left out.
    static func shortened(_ html: String) -> String {
        guard html.utf8.count > maximumHTML else { return html }
        var kept = ""
        for line in html.split(separator: "\n", omittingEmptySubsequences: false) {
            guard kept.utf8.count + line.utf8.count + 1 <= maximumHTML - 16 else { break }
            kept += line + "\n"
        }
        return kept + "…"
    }
}
