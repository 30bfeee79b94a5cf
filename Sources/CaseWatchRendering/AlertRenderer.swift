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

/// Renders events through the templates, in each reader's language, time zone and sources policy.
package struct AlertRenderer: Sendable {
    package let templates: TemplateSet
    /// The gazetteer and the listed websites.
    package let facts: RenderingFacts

    package init(templates: TemplateSet, facts: RenderingFacts = RenderingFacts()) {
        self.templates = templates
        self.facts = facts
    }

    /// Renders `event` for `subscriber` as composed at `now`; `unsubscribeURL` goes into the footer.
    ///
    /// A part missing in the subscriber's language is rendered from the English template with English
    /// values, so a message never mixes languages within a part.
    /// `companions` are the other events of the same case that one message carries with this one.
    package func render(_ event: CaseEvent, for subscriber: Subscriber, unsubscribeURL: String?,
                        preferencesURL: String? = nil, now: Date = Date(), companions: [CaseEvent] = []) -> RenderedAlert
    {
        let parts = renderParts(event, reader: Reader(subscriber), subscriberName: subscriber.name,
                                unsubscribeURL: unsubscribeURL, preferencesURL: preferencesURL, now: now,
                                companions: companions)
        return RenderedAlert(subject: Self.oneLine(parts.subject), text: parts.text, html: parts.html,
                             summary: Self.oneLine(parts.summary))
    }

    /// The parts of `event`'s alert as the templates give them, the subject and summary not yet made one line.
    package func renderParts(_ event: CaseEvent, reader: Reader, subscriberName: String?, unsubscribeURL: String?,
                             preferencesURL: String? = nil, now: Date, companions: [CaseEvent] = []) -> RenderedAlert
    {
        var contexts: [Language: [String: Any]] = [:]
        func render(_ part: TemplateSet.Part) -> String {
            guard let (template, used) = templates.template(event.type.rawValue, part, reader.language) else {
                return ""
            }
            if contexts[used] == nil {
                var context = context(event, language: used, reader: reader, now: now)
                context.set("subscriber_name", subscriberName)
                context.set("unsubscribe_url", unsubscribeURL)
                context.set("preferences_url", preferencesURL)
                context.values["has_also"] = !companions.isEmpty
                context.values["also"] = companions.map { companion -> [String: Any] in
                    ["summary": summary(companion, language: used), "event_id": companion.id]
                }
                contexts[used] = context.values
            }
            return template.render(contexts[used]!, library: templates.partials)
        }
        return RenderedAlert(subject: render(.emailSubject), text: render(.emailText), html: render(.emailHTML),
                             summary: render(.summary))
    }

    func context(_ event: CaseEvent, language: Language, reader: Reader, now: Date) -> AlertContext {
        var reader = reader
        reader.language = language
        return AlertContext(event: event, language: language, labels: templates.labels(language), reader: reader,
                            facts: facts, now: now)
    }

    /// One digest message holding `events`, for the period from `start` to `end`.
    package func renderDigest(
        _ events: [CaseEvent], for subscriber: Subscriber, unsubscribeURL: String?, preferencesURL: String? = nil,
        start: Date, end: Date
    ) -> RenderedAlert {
        func render(_ part: TemplateSet.Part) -> String {
            guard let (template, language) = templates.template("digest", part, subscriber.language) else { return "" }
            let context = digestContext(events, for: subscriber, language: language, unsubscribeURL: unsubscribeURL,
                                        preferencesURL: preferencesURL, start: start, end: end)
            return template.render(context, library: templates.partials)
        }
        return RenderedAlert(subject: Self.oneLine(render(.emailSubject)), text: render(.emailText),
                             html: render(.emailHTML), summary: "")
    }

    /// What the digest templates of `language` see: the period, and `events` grouped by case, in the order each
    /// case first appears, each event one line.
    func digestContext(
        _ events: [CaseEvent], for subscriber: Subscriber, language: Language, unsubscribeURL: String?,
        preferencesURL: String?, start: Date, end: Date
    ) -> [String: Any] {
        let reader = Reader(subscriber)
        var order: [String] = []
        var byCase: [String: [CaseEvent]] = [:]
        for event in events {
            if byCase[event.caseID] == nil { order.append(event.caseID) }
            byCase[event.caseID, default: []].append(event)
        }
        let labels = templates.labels(language)
        let (first, last) = (CalendarDate(start, in: subscriber.timeZone), CalendarDate(end, in: subscriber.timeZone))
        let cases = order.map { id -> [String: Any] in
            let group = byCase[id]!
            let latest = self.context(group.last!, language: language, reader: reader, now: end).values
            var item: [String: Any] = [:]
            for key in ["case_id", "case_name", "country_name", "case_type_label", "status_label", "has_sources",
                        "has_listed", "listed_note", "omitted_note"] {
                item[key] = latest[key] ?? false
            }
            item["sources"] = (latest["sources"] as? [[String: Any]] ?? []).map { source -> [String: Any] in
                var source = source
                source["host"] = (source["url"] as? String).flatMap { URLComponents(string: $0)?.host } ?? false
                return source
            }
            item["events"] = group.map { event -> [String: Any] in
                let values = self.context(event, language: language, reader: reader, now: end).values
                return ["summary": summary(event, language: language), "event_id": event.id,
                        "late_note": values["late_note"] ?? false]
            }
            return item
        }
        // Only these keys at the top: an item's missing key would otherwise be found here.
        return [
            "event_count": String(events.count),
            "case_count": String(order.count),
            "cases": cases,
            "period_start": AlertContext.value(first == last ? nil : labels.date(first)),
            "period_end": AlertContext.value(labels.date(last)),
            "subscriber_name": subscriber.name,
            "unsubscribe_url": AlertContext.value(unsubscribeURL),
            "preferences_url": AlertContext.value(preferencesURL),
        ]
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
        var context = self.context(event, language: subscriber.language, reader: Reader(subscriber), now: event.detectedAt)
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
        let values = context(event, language: used, reader: Reader(language: used), now: event.detectedAt).values
        return Self.oneLine(template.render(values, library: templates.partials))
    }

    /// Collapses runs of ASCII spaces, tabs and line breaks (a template's layout) into single spaces. A
    /// no-break space is typography ("10\u{00A0}h", "№\u{00A0}5", "« Memorial »") and stays.
    package static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .joined(separator: " ")
    }
}

/// A subscriber's own webhook template that is missing or does not make JSON.
package struct TemplateBodyError: Error, Sendable, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
