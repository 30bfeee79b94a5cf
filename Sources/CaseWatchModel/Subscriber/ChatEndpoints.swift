import Foundation

/// A Matrix room that alerts are posted to as `m.notice` messages, by a bot user whose access token is in an
/// environment variable.
package struct MatrixEndpoint: Sendable, Hashable {
    /// The homeserver's client-server API base (`https://matrix.example.org`), without a trailing slash.
    package var homeserver: String
    /// The room's id (`!abc:example.org`), not an alias: a room keeps its id, an alias can be moved.
    package var roomID: String
    /// The environment variable holding the bot's access token.
    package var accessTokenEnv: String
    /// `matrix.rate`: how many messages the room takes per period; nil for the channel's default.
    package var rate: Rate?

    package init(homeserver: String, roomID: String, accessTokenEnv: String, rate: Rate? = nil) {
        self.rate = rate
        self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
        self.roomID = roomID
        self.accessTokenEnv = accessTokenEnv
    }

    /// The room's address on its homeserver, `…/_matrix/client/v3/rooms/<room id, percent-encoded>`: what the outbox
    /// keeps as the entry's recipient and what an opt-out of the room is keyed on. A message goes to
    /// `<address>/send/m.room.message/<txn id>`.
    package var address: String {
        "\(homeserver)/_matrix/client/v3/rooms/\(Self.pathSegment(roomID))"
    }

    /// `text` percent-encoded for one path segment (RFC 3986 unreserved characters kept).
    package static func pathSegment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A Telegram chat (a person, a group, a channel) that a bot posts alerts to; the bot's token is in an environment
/// variable, never in a file.
package struct TelegramEndpoint: Sendable, Hashable {
    /// The chat's id (`-1001234567890`) or a channel's `@username`.
    package var chatID: String
    /// The environment variable holding the bot's token (`123456:ABC…`).
    package var botTokenEnv: String

    package init(chatID: String, botTokenEnv: String) {
        self.chatID = chatID
        self.botTokenEnv = botTokenEnv
    }
}
