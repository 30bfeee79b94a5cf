import CaseWatchModel
import Foundation
import InputFormats

/// The chat endpoints of a subscriber file: `matrix: {homeserver, room_id, access_token_env, rate}` and
/// `telegram: {chat_id, bot_token_env}`. Their keys are a closed set (a misspelt key is an error, not a warning: a
/// chat that silently gets nothing is the failure to avoid), and the tokens are only ever named, never read back.
extension SubscriberDecoder {
    func decodeMatrix(_ fields: MapReader) -> MatrixEndpoint? {
        var fields = fields
        defer { fields.finish() }
        refuseUnknownKeys(&fields, known: ["homeserver", "room_id", "access_token_env", "rate"], secret: "access_token")
        let homeserver = fields.string("homeserver", required: true)
        if let homeserver {
            let components = URLComponents(string: homeserver)
            if !["http", "https"].contains(components?.scheme ?? "") || (components?.host ?? "").isEmpty
                || components?.query != nil || components?.fragment != nil
            {
                log.error("\"\(homeserver)\" is not an http(s) address of a homeserver",
                          field: fields.fieldPath("homeserver"), line: fields.node("homeserver")?.line)
            }
        }
        let roomID = fields.string("room_id", required: true)
        if let roomID, !Self.isRoomID(roomID) {
            log.error("\"\(roomID)\" is not a room id (!opaque:server.name; an alias, #room:server, is not accepted)",
                      field: fields.fieldPath("room_id"), line: fields.node("room_id")?.line)
        }
        let tokenEnv = fields.string("access_token_env", required: true)
        if let tokenEnv { requireVariable(tokenEnv, field: "access_token_env", in: &fields) }
        let rate = decodeRate(&fields)
        guard let homeserver, let roomID, let tokenEnv else { return nil }
        return MatrixEndpoint(homeserver: homeserver, roomID: roomID, accessTokenEnv: tokenEnv, rate: rate)
    }

    func decodeTelegram(_ fields: MapReader) -> TelegramEndpoint? {
        var fields = fields
        defer { fields.finish() }
        refuseUnknownKeys(&fields, known: ["chat_id", "bot_token_env"], secret: "bot_token")
        let chatID = fields.string("chat_id", required: true)
        if let chatID, !Self.isChatID(chatID) {
            log.error("\"\(chatID)\" is not a Telegram chat id (a whole number like -1001234567890, or @channelname)",
                      field: fields.fieldPath("chat_id"), line: fields.node("chat_id")?.line)
        }
        let tokenEnv = fields.string("bot_token_env", required: true)
        if let tokenEnv {
            requireVariable(tokenEnv, field: "bot_token_env", in: &fields) { value in
                // Checked for its shape only; the message never repeats it.
                Self.isBotToken(value) ? nil : "does not hold a bot token (digits, a colon, then the key)"
            }
        }
        guard let chatID, let tokenEnv else { return nil }
        return TelegramEndpoint(chatID: chatID, botTokenEnv: tokenEnv)
    }

    /// `!opaque:server`: a room id, with a server name after the first colon.
    static func isRoomID(_ text: String) -> Bool {
        guard text.hasPrefix("!"), let colon = text.firstIndex(of: ":") else { return false }
        let local = text[text.index(after: text.startIndex)..<colon]
        let server = text[text.index(after: colon)...]
        return !local.isEmpty && !server.isEmpty && !text.contains(where: { $0.isWhitespace || $0 == "/" })
    }

    /// A numeric chat id, or a public channel's `@username` (5 to 32 letters, digits and underscores).
    static func isChatID(_ text: String) -> Bool {
        if let number = Int64(text), number != 0 { return true }
        guard text.hasPrefix("@") else { return false }
        let name = text.dropFirst()
        return (5...32).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// `<bot id>:<key>`, as BotFather hands them out.
    static func isBotToken(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let id = text[..<colon], key = text[text.index(after: colon)...]
        return !id.isEmpty && id.allSatisfy(\.isNumber) && key.count >= 20
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private func refuseUnknownKeys(_ fields: inout MapReader, known: [String], secret: String) {
        for key in fields.keys where !known.contains(key) {
            let line = fields.node(key)?.line ?? fields.line  // read, so that it is reported once, as an error
            if key == secret {
                log.error("secrets never sit in subscriber files: name an environment variable with \(secret)_env",
                          field: fields.fieldPath(key), line: line)
                continue
            }
            let hint = Spelling.closest(to: key, among: known).map { " (did you mean \"\($0)\"?)" }
                ?? " (one of: \(known.joined(separator: ", ")))"
            log.error("is not a key of \(fields.path)\(hint)", field: fields.fieldPath(key), line: line)
        }
    }

    /// Reports a variable that is not set (or whose value `problem` finds wrong), naming the variable only.
    private func requireVariable(_ name: String, field: String, in fields: inout MapReader,
                                 problem: (String) -> String? = { _ in nil }) {
        guard let environment else { return }
        let line = fields.node(field)?.line
        if let value = environment[name], !value.isEmpty {
            if let why = problem(value) {
                log.error("$\(name) \(why)", field: fields.fieldPath(field), line: line)
            }
        } else {
            log.error("the environment variable \(name) is not set", field: fields.fieldPath(field), line: line)
        }
    }
}
