import CaseWatchModel
import Foundation

extension AlertRenderer {
    /// The chat message (Matrix, Telegram) of `event` for `subscriber`: the `chat` template's HTML, over the same
    /// values as the e-mail's, plus `summary` (the event's summary line, which the chat message leads with).
    package func renderChat(_ event: CaseEvent, for subscriber: Subscriber, summary: String, now: Date) -> String {
        guard let (template, used) = templates.chatTemplate(event.type.rawValue, subscriber.language) else { return "" }
        var context = context(event, language: used, reader: Reader(subscriber), now: now)
        context.set("summary", summary)
        context.set("subscriber_name", subscriber.name)
        return Self.trimmed(template.render(context.values, library: templates.partials))
    }

    /// The digest as a chat message: `digest/chat.<lang>.mustache` over the digest's values.
    package func renderChatDigest(_ events: [CaseEvent], for subscriber: Subscriber, start: Date, end: Date) -> String {
        guard let (template, language) = templates.chatTemplate("digest", subscriber.language) else { return "" }
        let context = digestContext(events, for: subscriber, language: language, unsubscribeURL: nil,
                                    preferencesURL: nil, start: start, end: end)
        return Self.trimmed(template.render(context, library: templates.partials))
    }

    /// Without the blank lines a template's sections leave at either end, and with no run of more than one blank
    /// line inside (a chat shows every line break).
    static func trimmed(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let blank = line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if blank, lines.last.map({ $0.isEmpty }) ?? true { continue }
            lines.append(blank ? "" : line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
