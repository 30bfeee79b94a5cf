import Foundation

/// A real webhook receiver (`Tests/Peers/http_peer.py`) that logs every request and answers as scripted.
package final class HTTPReceiver: Sendable {
    package let peer: PeerProcess
    let logFile: URL

    /// One request as the receiver saw it.
    package struct Request: Sendable {
        package let method: String
        package let path: String
        package let headers: [String: String]
        package let body: String
        package let status: Int
        /// When the request arrived, on the receiver's clock (seconds since 1970).
        package var receivedAt: Double = 0
        /// The sender's port: one per connection, so requests sharing it came over one kept-alive connection.
        package var clientPort: Int = 0
    }

    /// - Parameter script: answers, one per request (`500`, `410`, `429 retry-after=2`, `sleep=30`…);
    ///   after them, `defaultStatus`.
    ///   `port` restarts a receiver at the address of an earlier one.
    package init(script: [String] = [], defaultStatus: Int = 204, port: Int? = nil, extra: [String] = []) throws {
        let directory = try TemporaryDirectory("casewatch-http")
        logFile = directory.url.appendingPathComponent("requests.jsonl")
        let scriptFile = try directory.write("script", script.joined(separator: "\n") + "\n")
        peer = try PeerProcess("http_peer.py", arguments: [
            "--log", logFile.path, "--script", scriptFile.path, "--default", String(defaultStatus),
        ] + (port.map { ["--port", String($0)] } ?? []) + extra, directory: directory)
    }

    package var url: String { "http://127.0.0.1:\(peer.port)" }

    /// The requests received so far, in arrival order.
    package func requests() throws -> [Request] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        // The peer may be writing a line right now: only lines it has finished (ended by a newline) count.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return try lines.filter { !$0.isEmpty }.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           headers: object["headers"] as? [String: String] ?? [:],
                           body: object["body"] as? String ?? "", status: object["status"] as? Int ?? 0,
                           receivedAt: (object["received_at"] as? NSNumber)?.doubleValue ?? 0,
                           clientPort: object["client_port"] as? Int ?? 0)
        }
    }

    package func stop() { peer.stop() }
}
