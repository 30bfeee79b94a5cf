import Foundation
import CaseWatchModel

/// The Atom feed of alerts (RFC 4287) that `serve` publishes at `/feed.atom`, one per language.
package enum AtomFeed {
    package static func document(events: [CaseEvent], renderer: AlertRenderer, language: Language, baseURL: String,
                                now: Date) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let updated = events.first.map { Timestamp.iso8601($0.detectedAt) } ?? Timestamp.iso8601(now)
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(language.rawValue)">
              <title>CaseWatch</title>
              <id>urn:casewatch:feed:\(language.rawValue)</id>
              <link rel="self" href="\(escape("\(base)/feed.atom?lang=\(language.rawValue)"))"/>
              <updated>\(updated)</updated>
              <author><name>CaseWatch</name></author>

            """
        for event in events {
            let summary = escape(renderer.summary(event, language: language))
            xml += """
                  <entry>
                    <id>urn:casewatch:\(event.id)</id>
                    <title>\(summary)</title>
                    <updated>\(Timestamp.iso8601(event.detectedAt))</updated>
                    <category term="\(event.type.rawValue)"/>

                """
            if let source = event.snapshot.sources.first {
                xml += "    <link rel=\"alternate\" href=\"\(escape(source))\"/>\n"
            }
            xml += "    <summary>\(summary)</summary>\n  </entry>\n"
        }
        return xml + "</feed>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}": continue  // not allowed in XML 1.0
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
