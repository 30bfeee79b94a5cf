import Foundation
import CaseWatchModel
import CaseWatchRendering
import InternetMessage

/// What a plan renders once per event and reuses for every subscriber: the alert of each language (an
/// ``AlertStencil``), the summary line of each language, and the part of the webhook body that names no
/// subscriber. Lives for one event of one plan.
package struct EventRendering {
    private struct StencilKey: Hashable {
        var reader: Reader
        var hasName: Bool
        var hasURL: Bool
        /// The other events of the case the message carries.
        var companions: [String]
    }

    let event: CaseEvent
    let renderer: AlertRenderer
    /// When the messages are composed (what a reminder says is left is counted from here).
    let now: Date
    /// nil for a combination whose stencil failed its check: those subscribers are rendered one by one.
    private var stencils: [StencilKey: AlertStencil?] = [:]
    private var summaries: [Language: String] = [:]
    private var webhookPrefixes: [Int: [UInt8]] = [:]

    package init(event: CaseEvent, renderer: AlertRenderer, now: Date) {
        self.event = event
        self.renderer = renderer
        self.now = now
    }

    /// What `renderer.render(event, for: subscriber, unsubscribeURL:)` gives, with the body cache of the stencil
    /// it comes from; nil when the templates need the renderer itself.
    mutating func alert(for subscriber: Subscriber, unsubscribeURL: String?, preferencesURL: String? = nil,
                        companions: [CaseEvent] = [])
        -> (alert: RenderedAlert, bodies: BodyEncodingCache)?
    {
        let key = StencilKey(reader: Reader(subscriber), hasName: !subscriber.name.isEmpty,
                             hasURL: !(unsubscribeURL ?? "").isEmpty, companions: companions.map(\.id))
        let stencil: AlertStencil?
        if let made = stencils[key] {
            stencil = made
        } else {
            stencil = AlertStencil(renderer: renderer, event: event, reader: key.reader, hasName: key.hasName,
                                   hasURL: key.hasURL, now: now, companions: companions)
            stencils[key] = .some(stencil)
        }
        guard let stencil else { return nil }
        return (stencil.alert(subscriberName: subscriber.name, unsubscribeURL: unsubscribeURL,
                              preferencesURL: preferencesURL), stencil.bodies)
    }

    /// What `renderer.summary(event, language:)` gives.
    package mutating func summary(language: Language) -> String {
        if let summary = summaries[language] { return summary }
        let summary = renderer.summary(event, language: language)
        summaries[language] = summary
        return summary
    }

    /// What `WebhookPayload.body(event:subscriber:summary:gazetteer:)` gives.
    mutating func webhookBody(for subscriber: Subscriber, summary: String) -> [UInt8] {
        let version = subscriber.webhook?.version ?? 1
        let prefix = webhookPrefixes[version]
            ?? WebhookPayload.sharedPrefix(event: event, version: version, gazetteer: renderer.facts.gazetteer)
        webhookPrefixes[version] = prefix
        return WebhookPayload.body(sharedPrefix: prefix, subscriber: subscriber, summary: summary)
    }
}
