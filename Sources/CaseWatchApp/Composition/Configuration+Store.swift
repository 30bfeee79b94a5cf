import CaseWatchModel
import CaseWatchPostgres
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import Crypto
import Foundation
import InputFormats

extension Configuration {
    /// The store this configuration names: a SQLite file (the embedded default) or a PostgreSQL database, its
    /// password from `state_password_env`.
    package func openStore(environment: ProcessEnvironment = .current) async throws -> any StateStore {
        guard usesPostgres else { return try SQLiteStateStore(path: resolve(statePath).path) }
        let password = statePasswordEnv.flatMap { environment[$0] }
        if let variable = statePasswordEnv, password == nil {
            throw StoreError(.unavailable, "the environment variable \(variable) (state_password_env) is not set")
        }
        return try await PostgresStateStore(url: statePath, password: password, nodeID: nodeID, lease: cluster.lease)
    }

    /// What every node of a cluster must share, as a short digest: the configuration file without its node's own
    /// settings (`cluster.node_id`, `http.listen`), and the registry as this node sees it (each case file's path and
    /// size in a folder source; a feed's address). A node with a stale `registry/` differs, and must not lead.
    package var digest: String {
        var hasher = SHA256()
        if let text = try? String(contentsOfFile: file, encoding: .utf8),
           let node = try? SourceNode.parseYAML(text, file: file)
        {
            hasher.update(data: Data(Self.canonical(node, path: "").utf8))
        }
        for source in registry.sources {
            switch source.kind {
            case .feed(let url):
                hasher.update(data: Data("feed \(url)\n".utf8))
            case .list(let list):
                var line = "import \(list.list.name) \(list.location.text)"
                if case .path(let path) = list.location,
                   let size = try? resolve(path).resourceValues(forKeys: [.fileSizeKey]).fileSize
                {
                    line += " \(size)"
                }
                hasher.update(data: Data((line + "\n").utf8))
            case .folder(let path):
                let folder = resolve(path)
                var listing: [String] = []
                let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey])
                while let url = walker?.nextObject() as? URL {
                    guard let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize else { continue }
                    listing.append("\(url.path.dropFirst(folder.path.count)) \(size)")
                }
                hasher.update(data: Data(("folder \(path)\n" + listing.sorted().joined(separator: "\n")).utf8))
            }
        }
        return hasher.finalize().prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The configuration as text that does not depend on its layout, without the keys each node sets for itself.
    private static func canonical(_ node: SourceNode, path: String) -> String {
        switch node {
        case .scalar(let value, _): return "\"" + value + "\""
        case .null: return "null"
        case .list(let items, _): return "[" + items.map { canonical($0, path: path + "[]") }.joined(separator: ",") + "]"
        case .map(let entries, _):
            let nodeOwn: Set<String> = ["cluster.node_id", "http.listen"]
            let kept = entries.filter { !nodeOwn.contains(path + $0.key) }.sorted { $0.key < $1.key }
            return "{" + kept.map { "\($0.key):" + canonical($0.value, path: path + $0.key + ".") }.joined(separator: ",")
                + "}"
        }
    }

    /// This node's name: `cluster.node_id`, else the host name and the process id.
    package var nodeID: String {
        cluster.nodeID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// What is wrong with the existing store, read without changing it (`check`).
    package func storeProblems() -> [String] {
        usesPostgres ? [] : SQLiteStateStore.inspect(path: resolve(statePath).path)
    }

    /// What keeps two runs on this store from working at once.
    package var runCoordinator: any RunCoordinator {
        FileRunCoordinator(statePath: resolve(statePath).path)
    }
}
