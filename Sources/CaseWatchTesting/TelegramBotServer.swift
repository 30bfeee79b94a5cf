import Foundation

/// A stand-in for Telegram's Bot API server (`Tests/Peers/telegram_peer.py`) on 127.0.0.1: answers `sendMessage` as
/// the Bot API documentation says, refuses HTML Telegram would refuse, and logs what it received.
package final class TelegramBotServer: Sendable {
    package let peer: PeerProcess
    let logFile: URL

    /// One request as the server saw it, with its answer.
    package struct Request: Sendable {
        package let method: String
        package let path: String
        package let body: String
        package let status: Int
        /// The JSON the server answered.
        package let answer: String
        /// When the request arrived, on the server's clock (seconds since 1970).
        package var receivedAt: Double = 0

        /// The request's JSON body.
        package var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// - Parameters:
    ///   - script: answers, one per request (`ok`, `429 retry_after=1`, `403`, `400 chat_not_found`,
    ///     `migrate=-100…`, `500`); then success.
    ///   - token: the only token accepted; nil for any.
    ///   - migrated: chats that became others (`old: new`): every request to one answers with `migrate_to_chat_id`.
    package init(script: [String] = [], token: String? = nil, migrated: [String: String] = [:]) throws {
        let directory = try TemporaryDirectory("casewatch-telegram")
        logFile = directory.url.appendingPathComponent("requests.jsonl")
        let scriptFile = try directory.write("script", script.joined(separator: "\n") + "\n")
        var arguments = ["--log", logFile.path, "--script", scriptFile.path]
        if let token { arguments += ["--token", token] }
        // One word: a chat id starts with a minus, which would read as an option.
        for (old, new) in migrated.sorted(by: { $0.key < $1.key }) { arguments.append("--migrated=\(old)=\(new)") }
        peer = try PeerProcess("telegram_peer.py", arguments: arguments, directory: directory)
    }

    package var url: String { "http://127.0.0.1:\(peer.port)" }

    /// The requests received so far, in arrival order (only the lines the server has finished writing).
    package func requests() throws -> [Request] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return try lines.filter { !$0.isEmpty }.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let answer = (object["answer"]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           body: object["body"] as? String ?? "", status: object["status"] as? Int ?? 0,
                           answer: answer.map { String(decoding: $0, as: UTF8.self) } ?? "",
                           receivedAt: (object["received_at"] as? NSNumber)?.doubleValue ?? 0)
        }
    }

    package func stop() { peer.stop() }
}
