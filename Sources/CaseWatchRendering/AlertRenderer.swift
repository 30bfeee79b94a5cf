import Foundation
import CaseWatchModel
import InputFormats

/// One alert rendered for one subscriber: the e-mail's parts and the one-line summary.
package struct RenderedAlert: Sendable, Equatable {
    package var subject: String
    package var text: String
    package var html: String
    package var summary: String

    package init(subject: String, text: String, html: String, summary: String) {
        self.subject = subject
        self.text = text
        self.html = html
        self.summary = summary
    }
}

/// Renders events through the templates, in each subscriber's language.
package struct AlertRenderer: Sendable {
    package let templates: TemplateSet

    package init(templates: TemplateSet) {
        self.templates = templates
    }

    /// Renders `event` for `subscriber`; `unsubscribeURL` goes into the footer.
    ///
    /// A part missing in the subscriber's language is rendered from the English template with English
    /// values, so a message never mixes languages within a part.
    package func render(_ event: CaseEvent, for subscriber: Subscriber, unsubscribeURL: String?) -> RenderedAlert {
        let parts = renderParts(event, language: subscriber.language, subscriberName: subscriber.name,
                                unsubscribeURL: unsubscribeURL)
        return RenderedAlert(subject: Self.oneLine(parts.subject), text: parts.text, html: parts.html,
                             summary: Self.oneLine(parts.summary))
    }

    /// The parts of `event`'s alert as the templates give them, the subject and summary not yet made one line.
    package func renderParts(_ event: CaseEvent, language: Language, subscriberName: String?, unsubscribeURL: String?)
        -> RenderedAlert
    {
        var contexts: [Language: [String: Any]] = [:]
        func render(_ part: TemplateSet.Part) -> String {
            guard let (template, used) = templates.template(event.type.rawValue, part, language) else {
                return ""
            }
            if contexts[used] == nil {
                var context = AlertContext(event: event, language: used, labels: templates.labels(used))
                context.set("subscriber_name", subscriberName)
                context.set("unsubscribe_url", unsubscribeURL)
                contexts[used] = context.values
            }
            return template.render(contexts[used]!, library: templates.partials)
        }
        return RenderedAlert(subject: render(.emailSubject), text: render(.emailText), html: render(.emailHTML),
                             summary: render(.summary))
    }

    /// One digest message holding `events`, for the period from `start` to `end`.
    package func renderDigest(
        _ events: [CaseEvent], for subscriber: Subscriber, unsubscribeURL: String?, start: Date, end: Date
    ) -> RenderedAlert {
        func render(_ part: TemplateSet.Part) -> String {
            guard let (template, language) = templates.template("digest", part, subscriber.language) else { return "" }
            let labels = templates.labels(language)
            // Only these keys at the top: an item's missing key would otherwise be found here.
            let context: [String: Any] = [
                "event_count": String(events.count),
                "events": events.map { event -> [String: Any] in
                    var item = AlertContext(event: event, language: language, labels: labels).values
                    item["summary"] = summary(event, language: language)
                    return item
                },
                "period_start": AlertContext.value(labels.date(CalendarDate(start, in: subscriber.timeZone))),
                "period_end": AlertContext.value(labels.date(CalendarDate(end, in: subscriber.timeZone))),
                "subscriber_name": subscriber.name,
                "unsubscribe_url": AlertContext.value(unsubscribeURL),
            ]
            return template.render(context, library: templates.partials)
        }
        return RenderedAlert(subject: Self.oneLine(render(.emailSubject)), text: render(.emailText),
                             html: render(.emailHTML), summary: "")
    }

    /// The webhook body a subscriber's own template makes (`webhook.template`): the same values as the
    /// e-mail templates see, plus `summary`, `subscriber_id` and `language`, escaped for JSON strings.
    ///
    /// - Throws: ``TemplateBodyError`` when there is no such template or the result is not JSON.
    package func webhookBody(_ event: CaseEvent, for subscriber: Subscriber, template name: String, summary: String)
        throws -> [UInt8]
    {
        guard let (template, file) = templates.webhookTemplates[name] else {
            throw TemplateBodyError(message: "no template webhooks/\(name).mustache")
        }
        var context = AlertContext(event: event, language: subscriber.language,
                                   labels: templates.labels(subscriber.language))
        context.set("summary", summary)
        context.set("subscriber_id", subscriber.id)
        context.set("subscriber_name", subscriber.name)
        context.set("language", subscriber.language.rawValue)
        let body = Array(template.render(context.values, library: templates.partials).utf8)
        do {
            _ = try JSONSource.parse(Data(body))
        } catch {
            throw TemplateBodyError(message: "\(file) does not make JSON: line \(error.line): \(error.message)")
        }
        return body
    }

    /// The summary line alone (webhook payloads, the feed).
    package func summary(_ event: CaseEvent, language: Language) -> String {
        guard let (template, used) = templates.template(event.type.rawValue, .summary, language) else { return "" }
        let values = AlertContext(event: event, language: used, labels: templates.labels(used)).values
        return Self.oneLine(template.render(values, library: templates.partials))
    }

    /// Collapses whitespace runs (template line breaks) into single spaces.
    package static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }
}

/// A subscriber's own webhook template that is missing or does not make JSON.
package struct TemplateBodyError: Error, Sendable, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
