import CaseWatchModel
import Foundation

/// A Telegram message's requests: the text split into `sendMessage` calls of at most 4,096 characters, and each
/// call's JSON body.
package enum TelegramMessage {
    /// Telegram's limit on a message's text, in UTF-16 code units after its entities are parsed; counted here on
    /// the HTML itself, which is never shorter.
    package static let limit = 4096

    /// `{"chat_id":…,"text":…,"parse_mode":"HTML","disable_web_page_preview":true}`.
    package static func body(chatID: String, text: String) -> [UInt8] {
        var writer = JSONWriter(capacity: text.utf8.count + 128)
        writer.object { json in
            json.key("chat_id")
            if let number = Int64(chatID) { json.int(Int(number)) } else { json.string(chatID) }
            json.field("text", text)
            json.field("parse_mode", "HTML")
            json.key("disable_web_page_preview")
            json.bool(true)
        }
        return writer.bytes
    }

    /// `text` in parts of at most `limit` UTF-16 code units, split between lines (each line's tags are balanced, so
    /// every part is too). A line longer than a whole part is sent as plain text, cut between characters.
    package static func parts(_ text: String, limit: Int = limit) -> [String] {
        var parts: [String] = []
        var lines: [Substring] = []
        var length = 0
        func flush() {
            while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
            while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
            if !lines.isEmpty { parts.append(lines.joined(separator: "\n")) }
            lines.removeAll()
            length = 0
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let count = line.utf16.count
            if count > limit {
                flush()
                parts += cut(ChatHTML.escape(ChatHTML.plainText(String(line))), limit: limit)
                continue
            }
            if !lines.isEmpty, length + 1 + count > limit { flush() }
            length += lines.isEmpty ? count : count + 1
            lines.append(line)
        }
        flush()
        return parts
    }

    /// Escaped plain text cut between characters, never inside an entity, into pieces of at most `limit`.
    private static func cut(_ escaped: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var piece = ""
        var length = 0
        var rest = Substring(escaped)
        while let first = rest.first {
            // An entity (`&amp;`) moves as one.
            var unit = String(first)
            if first == "&", let end = rest.prefix(8).firstIndex(of: ";") { unit = String(rest[...end]) }
            rest = rest.dropFirst(unit.count)
            if length + unit.utf16.count > limit {
                pieces.append(piece)
                piece = ""
                length = 0
            }
            piece += unit
            length += unit.utf16.count
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }
}
