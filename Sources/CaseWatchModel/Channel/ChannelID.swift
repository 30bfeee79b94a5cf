/// How an alert leaves CaseWatch: `email`, `webhook`, and whichever channels are registered after them.
///
/// A string value, not a closed enum: a new channel is a folder of its own in `CaseWatchChannels` and a line in
/// its registry, and every store, suppression and outbox row already has room for it.
package struct ChannelID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    package let rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    package init(stringLiteral value: String) {
        rawValue = value
    }

    package static let email: ChannelID = "email"
    package static let webhook: ChannelID = "webhook"
    /// A Matrix room, through its homeserver's client-server API.
    package static let matrix: ChannelID = "matrix"
    /// A Telegram chat, through a Bot API server.
    package static let telegram: ChannelID = "telegram"

    package var description: String { rawValue }

    package static func < (left: ChannelID, right: ChannelID) -> Bool { left.rawValue < right.rawValue }

    package init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
