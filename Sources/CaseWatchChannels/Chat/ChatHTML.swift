import Foundation

/// The chat templates' HTML, made into what each chat accepts: Telegram's few tags, Matrix's `formatted_body`, and
/// the plain text beside it.
///
/// The templates write a small HTML (`b`, `i`, `a href`, text escaped by Mustache) with one line per line of the
/// message. Values come from the registry, which may be a remote feed: the tokenizer here never trusts a tag it does
/// not know, it escapes it as text.
package enum ChatHTML {
    /// The tags Telegram's Bot API accepts in `parse_mode: HTML` (https://core.telegram.org/bots/api#html-style).
    package static let telegramTags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler",
    ]

    enum Piece: Equatable {
        case text(String)
        /// A tag Telegram accepts: its name, whether it closes, and the `href` of an `a`.
        case tag(name: String, closing: Bool, href: String?)
        /// `<br>`: a line break.
        case lineBreak
    }

    /// The HTML as pieces: text with its entities decoded, and tags; a `<` that does not open a well-formed tag, or
    /// opens one Telegram does not take, is text.
    static func pieces(_ html: String) -> [Piece] {
        var pieces: [Piece] = []
        var text = ""
        var rest = Substring(html)
        func flush() {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
        }
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">"),
               let tag = parseTag(rest[rest.index(after: rest.startIndex)..<close])
            {
                flush()
                pieces.append(tag)
                rest = rest[rest.index(after: close)...]
            } else if first == "&", let semicolon = rest.prefix(12).firstIndex(of: ";"),
                      let decoded = decodeEntity(rest[rest.index(after: rest.startIndex)..<semicolon])
            {
                text.append(decoded)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                text.append(first)
                rest = rest.dropFirst()
            }
        }
        flush()
        return pieces
    }

    private static func parseTag(_ inside: Substring) -> Piece? {
        var body = inside.trimmingCharacters(in: .whitespaces)[...]
        let closing = body.hasPrefix("/")
        if closing { body = body.dropFirst() }
        if body.hasSuffix("/") { body = body.dropLast() }
        let name = String(body.prefix { $0.isLetter || $0.isNumber || $0 == "-" }).lowercased()
        guard !name.isEmpty else { return nil }
        if name == "br" { return closing ? nil : .lineBreak }
        guard telegramTags.contains(name) else { return nil }
        var href: String?
        if name == "a", !closing {
            let attributes = body.dropFirst(name.count)
            guard let range = attributes.range(of: "href=\"") else { return nil }
            let value = attributes[range.upperBound...].prefix { $0 != "\"" }
            href = pieces(String(value)).compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
        }
        return .tag(name: name, closing: closing, href: href)
    }

    /// `amp`, `lt`, `gt`, `quot`, `apos`, `nbsp` and numeric references; nil for anything else.
    private static func decodeEntity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let hex = digits.hasPrefix("x") || digits.hasPrefix("X")
            let value = hex ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// Text escaped for Telegram's HTML and Matrix's: `&`, `<`, `>` (and `"` inside an attribute).
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"" where attribute: escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The message as Telegram's `parse_mode: HTML` takes it: only its tags, balanced (a stray closing tag is
    /// dropped, an unclosed one closed at the end of its line), every other `<`, `>` and `&` escaped, `<br>` a line
    /// break.
    package static func telegram(_ html: String) -> String {
        var output = ""
        var open: [String] = []
        func closeAll() {
            for name in open.reversed() { output += "</\(name)>" }
            open.removeAll()
        }
        for piece in pieces(html) {
            switch piece {
            case .text(let text):
                // A tag left open at a line's end is closed there, so a message split on lines stays balanced.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                for (index, line) in lines.enumerated() {
                    if index > 0 {
                        closeAll()
                        output += "\n"
                    }
                    output += escape(String(line))
                }
            case .lineBreak:
                closeAll()
                output += "\n"
            case .tag(let name, let closing, let href):
                if closing {
                    guard let position = open.lastIndex(of: name) else { continue }
                    for inner in open[position...].reversed() { output += "</\(inner)>" }
                    open.removeSubrange(position...)
                } else if name == "a" {
                    guard let href, Self.isLink(href) else { continue }
                    output += "<a href=\"\(escape(href, attribute: true))\">"
                    open.append(name)
                } else {
                    output += "<\(name)>"
                    open.append(name)
                }
            }
        }
        closeAll()
        return output
    }

    /// Matrix's `formatted_body` (`org.matrix.custom.html`): the same HTML, with a `<br>` at each line break, since
    /// clients collapse white space in HTML as browsers do.
    package static func matrixFormatted(_ html: String) -> String {
        telegram(html).replacingOccurrences(of: "\n", with: "<br>\n")
    }

    /// The plain text beside it (Matrix's `body`, what notifications show): tags dropped, entities decoded, a link
    /// whose text is not its address followed by the address in parentheses.
    package static func plainText(_ html: String) -> String {
        var output = ""
        var links: [String?] = []
        var linkText = ""
        for piece in pieces(html) {
            switch piece {
            case .text(let text):
                output += text
                if !links.isEmpty { linkText += text }
            case .lineBreak:
                output += "\n"
            case .tag(let name, let closing, let href) where name == "a":
                if closing {
                    if let href = links.popLast() ?? nil, href != linkText, isLink(href) { output += " (\(href))" }
                    linkText = ""
                } else {
                    links.append(href)
                    linkText = ""
                }
            case .tag:
                continue
            }
        }
        return output
    }

    /// Only web and mail links go into a chat message's HTML.
    static func isLink(_ href: String) -> Bool {
        let lower = href.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:")
    }
}
