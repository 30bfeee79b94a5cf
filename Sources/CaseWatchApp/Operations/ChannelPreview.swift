import CaseWatchChannels
import CaseWatchModel
import Foundation
import InputFormats

/// How `preview` shows one entry: what its channel sends, and for the chats the text a reader sees, decoded.
///
/// Matrix shows the `m.notice`'s `body` and `formatted_body` under the request; Telegram each message the entry is
/// split into, as `sendMessage` carries it and then as its HTML text.
enum ChannelPreview {
    static func text(of draft: OutboxDraft, by channel: any AlertChannel, at date: Date) -> String {
        var text = "== \(draft.channel.rawValue) → \(draft.recipient)\n" + channel.preview(draft, at: date)
        switch draft.channel {
        case .matrix:
            let notice = (try? JSONSerialization.jsonObject(with: Data(draft.payload))) as? [String: Any]
            text += "\n\n--- m.notice body ---\n" + (notice?["body"] as? String ?? "")
            text += "\n\n--- formatted_body (org.matrix.custom.html) ---\n" + (notice?["formatted_body"] as? String ?? "")
        case .telegram:
            let parts = TelegramMessage.parts(String(decoding: draft.payload, as: UTF8.self))
            for (index, part) in parts.enumerated() {
                text += "\n\n--- message \(index + 1) of \(parts.count), parse_mode HTML (decoded) ---\n" + part
            }
        default:
            break
        }
        return text
    }

    /// The channels `--channel` asks for: `requested` alone when the subscriber has it, else every one they have.
    ///
    /// - Throws: ``InputError`` naming the option when the subscriber has no endpoint on `requested`.
    static func selected(_ requested: ChannelID?, of subscriber: Subscriber) throws -> [ChannelID] {
        guard let requested else { return subscriber.channels }
        guard subscriber.channels.contains(requested) else {
            throw InputError([InputProblem(
                file: subscriber.file, line: nil, field: "--channel",
                message: "\(subscriber.id) has no \(requested) endpoint (it has: "
                    + subscriber.channels.map(\.rawValue).joined(separator: ", ") + ")")])
        }
        return [requested]
    }
}

extension ChannelID {
    /// The channels CaseWatch delivers on, as `--channel` names them.
    package static let known: [ChannelID] = [.email, .webhook, .matrix, .telegram]
}
