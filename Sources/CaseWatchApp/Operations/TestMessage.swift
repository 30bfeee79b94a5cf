import CaseWatchChannels
import CaseWatchModel
import CaseWatchRendering
import Foundation

/// The message `send-test` sends: marked as a test everywhere a reader or a receiving system looks, and no alert.
///
/// E-mail: a `[test]` subject, a text saying what it is, `X-CaseWatch: test`. Webhooks: the event type
/// `casewatch.test` and `"test": true`, in the body version the receiver takes (a receiver that switches on `type`
/// ignores it; one that checks the signature can verify it). Matrix and Telegram: the same text, `[test]` first.
/// Each send has ids of its own (`test.<stamp>.<nonce>`), so no receiver takes it for a copy of an alert.
package struct TestMessage: Sendable {
    package let subscriber: Subscriber
    package let sentAt: Date
    /// Tells this send's ids apart from every other's.
    package let nonce: String

    package init(subscriber: Subscriber, sentAt: Date, nonce: String = String(UUID().uuidString.prefix(8)).lowercased()) {
        self.subscriber = subscriber
        self.sentAt = sentAt
        self.nonce = nonce
    }

    /// The event type a webhook receiver sees: never one of CaseWatch's alert types.
    package static let webhookType = "casewatch.test"

    var id: String { "test.\(Timestamp.iso8601(sentAt).filter(\.isNumber)).\(nonce)" }

    var subject: String {
        switch subscriber.language {
        case .en: "[test] CaseWatch: test message"
        case .ru: "[тест] CaseWatch: проверочное сообщение"
        case .fr: "[test] CaseWatch : message d'essai"
        }
    }

    var text: String {
        let explanation = switch subscriber.language {
        case .en:
            "This is a test message from CaseWatch, sent by its operator to check that alerts reach you. "
                + "It is not an alert: no case has changed, and there is nothing to do."
        case .ru:
            "Это проверочное сообщение CaseWatch: оператор проверяет, что оповещения до вас доходят. "
                + "Это не оповещение: ни одно дело не изменилось, делать ничего не нужно."
        case .fr:
            "Ceci est un message d'essai de CaseWatch, envoyé par son opérateur pour vérifier que les alertes vous "
                + "parviennent. Ce n'est pas une alerte : aucune affaire n'a changé, il n'y a rien à faire."
        }
        return "\(explanation)\n\n\(subscriber.name) (\(subscriber.id)), \(Timestamp.iso8601(sentAt))\n"
    }

    /// This message on `channel`, ready for its transport; nil when the subscriber has no endpoint there.
    func draft(on channel: ChannelID, composer: EmailComposer) throws -> OutboxDraft? {
        let html = "<b>\(Self.escaped(subject))</b>\n" + Self.escaped(text)
        switch channel {
        case .email:
            guard let address = subscriber.email else { return nil }
            let messageID = "\(id).\(subscriber.id)@\(composer.domain)"
            let bytes = try composer.compose(RenderedAlert(subject: subject, text: text, html: "", summary: subject),
                                             subscriber: subscriber, to: address, messageID: messageID,
                                             threadRoot: nil, tag: "test", unsubscribeURL: nil, date: sentAt)
            return draft(channel, recipient: address, messageID: messageID, payload: bytes, secretEnv: nil)
        case .webhook:
            guard let webhook = subscriber.webhook else { return nil }
            var writer = JSONWriter(capacity: 512)
            writer.object { json in
                json.field("id", id)
                json.field("type", Self.webhookType)
                json.key("version")
                json.int(webhook.version)
                json.key("test")
                json.bool(true)
                json.field("sent_at", Timestamp.iso8601(sentAt))
                json.field("subscriber", subscriber.id)
                json.field("language", subscriber.language.rawValue)
                json.field("summary", subject)
            }
            return draft(channel, recipient: webhook.url, messageID: "msg_" + id.replacingOccurrences(of: ".", with: "_"),
                         payload: writer.bytes,
                         secretEnv: WebhookKeyVariables(secrets: webhook.secretEnv, signingKey: webhook.signingKeyEnv).entry)
        case .matrix:
            guard let matrix = subscriber.matrix else { return nil }
            return draft(channel, recipient: matrix.address, messageID: id, payload: MatrixMessage.body(html: html),
                         secretEnv: matrix.accessTokenEnv)
        case .telegram:
            guard let telegram = subscriber.telegram else { return nil }
            return draft(channel, recipient: telegram.chatID, messageID: id, payload: Array(ChatHTML.telegram(html).utf8),
                         secretEnv: telegram.botTokenEnv)
        default:
            return nil
        }
    }

    /// `text` with `&`, `<`, `>` escaped for the chats' HTML.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private func draft(_ channel: ChannelID, recipient: String, messageID: String, payload: [UInt8], secretEnv: String?)
        -> OutboxDraft
    {
        OutboxDraft(eventID: id, subscriberID: subscriber.id, channel: channel, recipient: recipient,
                    messageID: messageID, payload: payload, secretEnv: secretEnv)
    }
}
