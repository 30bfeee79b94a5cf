import CaseWatchModel
import Crypto

/// The id of a chat message: one per event (or digest slot), subscriber and channel, the same on every retry.
///
/// Matrix takes it as the transaction id of the `PUT …/send/m.room.message/{txn_id}`, so a homeserver that sees a
/// retry with an id it has already taken answers with the event it made then instead of posting again.
package enum ChatMessageID {
    package static func make(eventID: String, subscriberID: String, channel: ChannelID, generation: Int = 0) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(channel.rawValue)\u{0}\(eventID)\u{0}\(subscriberID)\u{0}\(generation)".utf8))
        return "cw_" + Base32.lowercase(Array(hash.finalize()).prefix(16)).prefix(26)
    }
}

/// Removes a secret from a text before it is kept or shown (an error from libcurl names the URL, and a Telegram
/// URL holds the bot's token in its path).
package enum SecretRedaction {
    package static func redact(_ text: String, secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }
}
