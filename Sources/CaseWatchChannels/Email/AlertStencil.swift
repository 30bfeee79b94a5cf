import Foundation
import InternetMessage
import CaseWatchModel
import CaseWatchRendering

/// One event's alert in one language, rendered once for all the subscribers who read that language.
///
/// Between subscribers only three template values differ, `subscriber_name`, `unsubscribe_url` and
/// `preferences_url` (the two links are there together or not at all). The parts are
/// rendered with a placeholder for each (a run of private-use scalars, which no template, label or registry value
/// holds and HTML escaping leaves as it is), and cut at the placeholders; a subscriber's alert is then the pieces
/// with their own values in between, HTML-escaped in the HTML part exactly as Mustache escapes them, as they are
/// in the other parts. The subject and summary are made one line after the values go in, as the renderer does.
///
/// A value that is empty (or absent) is `false` in the template, which hides its sections, so a stencil is made
/// for one combination of "has a name" and "has an unsubscribe URL" and serves only subscribers with that
/// combination.
///
/// The stencil checks itself when it is made: a probe subscriber's alert from the pieces must equal the alert the
/// renderer gives that subscriber, byte for byte. Templates that do anything with these values other than show
/// them or test them in a section (a swift-mustache transform such as `uppercased(subscriber_name)`, an unescaped
/// `{{{subscriber_name}}}` in HTML) fail that check, and the planner then renders for every subscriber.
struct AlertStencil {
    enum Slot {
        case name, url, preferences
    }

    /// A subscriber's values for the slots.
    struct Values {
        var name: String
        var url: String
        var preferences: String

        func value(_ slot: Slot) -> String {
            switch slot {
            case .name: name
            case .url: url
            case .preferences: preferences
            }
        }

        var htmlEscaped: Values {
            Values(name: AlertStencil.htmlEscaped(name), url: AlertStencil.htmlEscaped(url),
                   preferences: AlertStencil.htmlEscaped(preferences))
        }
    }

    /// A rendered part cut at its placeholders: `pieces.count == slots.count + 1`.
    private struct Part {
        var pieces: [String]
        var slots: [Slot]
        var literalLength: Int

        init(_ rendered: String) {
            pieces = []
            slots = []
            literalLength = rendered.utf8.count
            rendered.withUTF8Bytes { octets in
                var start = 0
                var index = 0
                while index < octets.count {
                    // Every placeholder starts with the lead octet of a plane-16 scalar.
                    if octets[index] == 0xF4, let (slot, length) = AlertStencil.placeholder(in: octets, at: index) {
                        pieces.append(String(decoding: UnsafeBufferPointer(rebasing: octets[start..<index]), as: UTF8.self))
                        slots.append(slot)
                        literalLength -= length
                        index += length
                        start = index
                    } else {
                        index += 1
                    }
                }
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: octets[start...]), as: UTF8.self))
            }
        }

        /// The part with `values` in place of the placeholders.
        func filled(_ values: Values) -> String {
            guard !slots.isEmpty else { return pieces[0] }
            var length = literalLength
            for slot in slots { length += values.value(slot).utf8.count }
            var text = ""
            text.reserveCapacity(length)
            text += pieces[0]
            for (index, slot) in slots.enumerated() {
                text += values.value(slot)
                text += pieces[index + 1]
            }
            return text
        }
    }

    static let namePlaceholder = "\u{10FFF0}\u{10FFF1}\u{10FFF0}"
    static let urlPlaceholder = "\u{10FFF0}\u{10FFF2}\u{10FFF0}"
    static let preferencesPlaceholder = "\u{10FFF0}\u{10FFF3}\u{10FFF0}"
    private static let nameOctets = Array(namePlaceholder.utf8)
    private static let urlOctets = Array(urlPlaceholder.utf8)
    private static let preferencesOctets = Array(preferencesPlaceholder.utf8)

    /// Values that any handling of them other than showing them as they are (escaped in HTML) would change:
    /// every character HTML escapes, a quote with a combining mark (Mustache escapes whole characters, so that one
    /// stays), upper and lower case, runs of spaces, non-ASCII.
    static let probeName = "Ann & \"Bob\" <x> 'y'  \"\u{301}z Ω ж"
    static let probeURL = "https://probe.invalid/u?a=1&b=\"2\"&c=<3>&d='4'"
    static let probePreferences = "https://probe.invalid/p?a=1&b=\"2\"&c=<3>&d='4'"

    let hasName: Bool
    let hasURL: Bool
    /// The encoded bodies of this stencil's messages, which differ only near the end.
    let bodies = BodyEncodingCache()
    private let subject: Part
    private let text: Part
    private let html: Part
    private let summary: Part
    /// The subject and summary made one line, when they hold no placeholder.
    private let fixedSubject: String?
    private let fixedSummary: String?

    /// The stencil of `event` in `language` for subscribers with (or without) a name and an unsubscribe URL; nil
    /// when the templates do not give the same alert through it (see above).
    init?(renderer: AlertRenderer, event: CaseEvent, reader: Reader, hasName: Bool, hasURL: Bool, now: Date,
          companions: [CaseEvent] = []) {
        self.hasName = hasName
        self.hasURL = hasURL
        let stenciled = renderer.renderParts(
            event, reader: reader, subscriberName: hasName ? Self.namePlaceholder : nil,
            unsubscribeURL: hasURL ? Self.urlPlaceholder : nil,
            preferencesURL: hasURL ? Self.preferencesPlaceholder : nil, now: now, companions: companions)
        subject = Part(stenciled.subject)
        text = Part(stenciled.text)
        html = Part(stenciled.html)
        summary = Part(stenciled.summary)
        fixedSubject = subject.slots.isEmpty ? AlertRenderer.oneLine(subject.pieces[0]) : nil
        fixedSummary = summary.slots.isEmpty ? AlertRenderer.oneLine(summary.pieces[0]) : nil

        let probe = renderer.renderParts(
            event, reader: reader, subscriberName: hasName ? Self.probeName : nil,
            unsubscribeURL: hasURL ? Self.probeURL : nil, preferencesURL: hasURL ? Self.probePreferences : nil,
            now: now, companions: companions)
        let values = Values(name: Self.probeName, url: Self.probeURL, preferences: Self.probePreferences)
        guard subject.filled(values) == probe.subject, text.filled(values) == probe.text,
              html.filled(values.htmlEscaped) == probe.html, summary.filled(values) == probe.summary
        else { return nil }
    }

    /// The alert of a subscriber called `name` (not empty when the stencil has a name, ignored otherwise) whose
    /// links are `unsubscribeURL` and `preferencesURL` (likewise): what `AlertRenderer.render` gives.
    func alert(subscriberName name: String, unsubscribeURL: String?, preferencesURL: String?) -> RenderedAlert {
        let values = Values(name: hasName ? name : "", url: hasURL ? unsubscribeURL ?? "" : "",
                            preferences: hasURL ? preferencesURL ?? "" : "")
        let needsEscaping = !html.slots.isEmpty
        return RenderedAlert(
            subject: fixedSubject ?? AlertRenderer.oneLine(subject.filled(values)),
            text: text.filled(values),
            html: needsEscaping ? html.filled(values.htmlEscaped) : html.pieces[0],
            summary: fixedSummary ?? AlertRenderer.oneLine(summary.filled(values)))
    }

    /// The placeholder starting at `index`, and its length in octets.
    private static func placeholder(in octets: UnsafeBufferPointer<UInt8>, at index: Int) -> (Slot, Int)? {
        for (slot, placeholder) in [(Slot.name, nameOctets), (.url, urlOctets), (.preferences, preferencesOctets)] {
            let end = index + placeholder.count
            if end <= octets.count, placeholder.elementsEqual(UnsafeBufferPointer(rebasing: octets[index..<end])) {
                return (slot, placeholder.count)
            }
        }
        return nil
    }

    /// `text` escaped as swift-mustache escapes a value in an HTML template: each character (grapheme cluster)
    /// that is exactly `<`, `>`, `&`, `"` or `'` replaced by its entity, everything else as it is.
    static func htmlEscaped(_ text: String) -> String {
        // No other character is (canonically equivalent to) one of these five, so without their octets there is
        // nothing to escape.
        let needed = text.utf8.contains { octet in
            octet == UInt8(ascii: "<") || octet == UInt8(ascii: ">") || octet == UInt8(ascii: "&")
                || octet == UInt8(ascii: "\"") || octet == UInt8(ascii: "'")
        }
        guard needed else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension String {
    /// Calls `body` with the UTF-8 of the string, contiguous (a bridged string is made native first).
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var copy = self
        return copy.withUTF8(body)
    }
}
