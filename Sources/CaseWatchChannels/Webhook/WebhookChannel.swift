import CaseWatchModel
import CaseWatchRendering
import Curl
import Foundation

/// Webhooks: a JSON body per event and subscriber, signed on every attempt per Standard Webhooks with the secrets
/// the subscriber's variable holds then (a rotation takes effect at once), POSTed through libcurl or written as
/// `.json` files (the embedded default).
package struct WebhookChannel: AlertChannel {
    /// Where composed requests go.
    package enum Delivery: Sendable {
        /// `network`: where the requests may connect (``NetworkGuard``); the default refuses every non-public address.
        case http(timeout: TimeInterval, network: NetworkGuard = NetworkGuard())
        case file(URL)
        /// Composing only (`preview`, `check`).
        case unconfigured
    }

    package let delivery: Delivery
    /// Where each attempt reads the subscriber's secrets.
    package let environment: ProcessEnvironment

    package init(delivery: Delivery, environment: ProcessEnvironment) {
        self.delivery = delivery
        self.environment = environment
    }

    package var id: ChannelID { .webhook }
    package var limits: ChannelLimits { ChannelLimits() }

    package func compose(_ event: CaseEvent, for subscriber: Subscriber, in context: inout ComposeContext) throws
        -> OutboxDraft?
    {
        guard let webhook = subscriber.webhook, WebhookPayload.delivers(event.type, version: webhook.version) else {
            return nil
        }
        let summary = context.summary(event, language: subscriber.language)
        let payload = ownTemplateBody(event, subscriber: subscriber, summary: summary, context: context)
            ?? context.rendering?.webhookBody(for: subscriber, summary: summary)
            ?? WebhookPayload.body(event: event, subscriber: subscriber, summary: summary,
                                   gazetteer: context.renderer.facts.gazetteer)
        return OutboxDraft(
            eventID: event.id, subscriberID: subscriber.id, channel: .webhook, recipient: webhook.url,
            messageID: WebhookSignature.messageID(eventID: event.id, subscriberID: subscriber.id,
                                                  generation: context.generation),
            payload: payload,
            secretEnv: WebhookKeyVariables(secrets: webhook.secretEnv, signingKey: webhook.signingKeyEnv).entry,
            generation: context.generation)
    }

    /// The body of the subscriber's own template, if it names one. One that fails for this event (it does not make
    /// JSON with these values) never stops the cycle: the standard payload goes instead, and the context's
    /// `templateFailure` is told why.
    private func ownTemplateBody(_ event: CaseEvent, subscriber: Subscriber, summary: String,
                                 context: ComposeContext) -> [UInt8]? {
        guard let name = subscriber.webhook?.template else { return nil }
        do {
            return try context.renderer.webhookBody(event, for: subscriber, template: name, summary: summary)
        } catch {
            context.templateFailure?(subscriber.id, "\(error)")
            return nil
        }
    }

    /// The request line, the signed headers (signed now) and the body.
    package func preview(_ draft: OutboxDraft, at date: Date) -> String {
        let (_, secrets, signingKey) = WebhookKeyring(environment: environment).keys(for: draft.secretEnv)
        let job = DeliveryJob(outboxID: 0, draft: draft, attempts: 0)
        let headers = WebhookRequest.headers(job: job, secrets: secrets, signingKey: signingKey, at: date)
        return (["POST \(draft.recipient)"] + headers.map { "\($0.name): \($0.value)" } + [""]).joined(separator: "\n")
            + String(decoding: draft.payload, as: UTF8.self)
    }

    package func makeTransport() -> any ChannelTransport {
        switch delivery {
        case .http(let timeout, let network):
            WebhookTransport(timeout: timeout, network: network, environment: environment)
        case .file(let directory): WebhookFileTransport(directory: directory, environment: environment)
        case .unconfigured: UnconfiguredTransport(channel: id)
        }
    }
}
