import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import Curl
import Foundation

/// Telegram: a `sendMessage` per event and subscriber (or per digest) to the subscriber's chat, by a bot whose token
/// is in the environment, through any Bot API server (`telegram.api_url`). Or written as `.json` files (the embedded
/// default).
///
/// The entry's payload is the message as Telegram's `parse_mode: HTML` takes it (``ChatHTML/telegram(_:)``); the
/// transport splits it into messages of at most 4,096 characters on line boundaries (``TelegramMessage``).
package struct TelegramChannel: AlertChannel {
    package enum Delivery: Sendable {
        /// `network`: where the requests may connect (``NetworkGuard``); the default refuses every non-public address.
        case http(apiURL: String, timeout: TimeInterval, network: NetworkGuard = NetworkGuard())
        case file(URL, apiURL: String)
        /// Composing only (`preview`, `check`).
        case unconfigured
    }

    package let delivery: Delivery
    package let environment: ProcessEnvironment
    /// Where split entries' progress and moved chats are kept between attempts: the store, so that a retry by another
    /// process goes on where the last one stopped; this process's memory when composed without one.
    package var progress: any TelegramProgressStore
    /// How far apart the messages of a split entry go to their chat.
    package var pacing: TelegramPacing

    package init(delivery: Delivery, environment: ProcessEnvironment,
                 progress: any TelegramProgressStore = TelegramProgress.shared, pacing: TelegramPacing = .telegram) {
        self.delivery = delivery
        self.environment = environment
        self.progress = progress
        self.pacing = pacing
    }

    package var id: ChannelID { .telegram }
    /// 4,096 characters a message (longer ones are split); Telegram's own limits are declared by ``throttle(_:rate:)``.
    package var limits: ChannelLimits { ChannelLimits(maximumPayload: nil, defaultRate: Self.chatRate) }

    /// Telegram's limits for bots: a message a second per chat, 20 a minute per group (and channel), 30 a second
    /// per bot over all its chats.
    package static let chatRate = Rate.perSecond(1)
    package static let groupRate = Rate.perMinute(20)
    package static let botRate = Rate.perSecond(30)

    /// The chat's limit (a group's or a channel's when its id is negative or a `@name`), and the bot's, keyed by the
    /// bot's id (the part of its token before the colon, which is public; the token itself is never kept). A long
    /// alert costs one slot per message it is split into.
    package func throttle(_ draft: OutboxDraft, rate: Rate?) -> ThrottleRequest? {
        let chat = draft.recipient
        let isGroup = chat.hasPrefix("-") || chat.hasPrefix("@")
        let variable = draft.secretEnv ?? "?"
        let bot = environment[variable].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "$" + variable
        let parts = TelegramMessage.parts(String(decoding: draft.payload, as: UTF8.self)).count
        return ThrottleRequest(
            endpoint: ThrottleRule(key: ThrottleRule.key("telegram-chat \(chat)"),
                                   rate: rate ?? (isGroup ? Self.groupRate : Self.chatRate)),
            shared: [ThrottleRule(key: ThrottleRule.key("telegram-bot \(bot)"), rate: Self.botRate)],
            cost: max(1, parts))
    }

    package func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?
    {
        guard let telegram = subscriber.telegram else { return nil }
        let summary = context.summary(event, language: subscriber.language)
        let html = context.renderer.renderChat(event, for: subscriber, summary: summary, now: context.now)
        return OutboxDraft(
            eventID: event.id, subscriberID: subscriber.id, channel: .telegram, recipient: telegram.chatID,
            messageID: ChatMessageID.make(eventID: event.id, subscriberID: subscriber.id, channel: .telegram,
                                          generation: context.generation),
            payload: Array(ChatHTML.telegram(html).utf8), secretEnv: telegram.botTokenEnv,
            generation: context.generation)
    }

    /// The digest of `subscriber` for the slot at `slot` as Telegram messages; nil without events or a chat.
    package func digestDraft(for subscriber: Subscriber, events: [CaseEvent], start: Date, slot: Date,
                             renderer: AlertRenderer) -> OutboxDraft?
    {
        guard let telegram = subscriber.telegram, !events.isEmpty else { return nil }
        let eventID = "digest:\(Timestamp.iso8601(slot))"
        let html = renderer.renderChatDigest(events, for: subscriber, start: start, end: slot)
        return OutboxDraft(
            eventID: eventID, subscriberID: subscriber.id, channel: .telegram, recipient: telegram.chatID,
            messageID: ChatMessageID.make(eventID: eventID, subscriberID: subscriber.id, channel: .telegram),
            payload: Array(ChatHTML.telegram(html).utf8), secretEnv: telegram.botTokenEnv)
    }

    /// Each `sendMessage` request the entry makes, the token named, never shown.
    package func preview(_ draft: OutboxDraft, at date: Date) -> String {
        let parts = TelegramMessage.parts(String(decoding: draft.payload, as: UTF8.self))
        return parts.enumerated().map { index, part in
            let header = parts.count > 1 ? "(message \(index + 1) of \(parts.count))\n" : ""
            return header + "POST \(apiURL)/bot<$\(draft.secretEnv ?? "?")>/sendMessage\n"
                + "content-type: application/json\n\n"
                + String(decoding: TelegramMessage.body(chatID: draft.recipient, text: part), as: UTF8.self)
        }.joined(separator: "\n\n")
    }

    private var apiURL: String {
        switch delivery {
        case .http(let apiURL, _, _), .file(_, let apiURL): apiURL
        case .unconfigured: "https://api.telegram.org"
        }
    }

    package func makeTransport() -> any ChannelTransport {
        switch delivery {
        case .http(let apiURL, let timeout, let network):
            TelegramTransport(apiURL: apiURL, timeout: timeout, network: network, environment: environment,
                              progress: progress, pacing: pacing)
        case .file(let directory, let apiURL): TelegramFileTransport(directory: directory, apiURL: apiURL)
        case .unconfigured: UnconfiguredTransport(channel: id)
        }
    }
}
