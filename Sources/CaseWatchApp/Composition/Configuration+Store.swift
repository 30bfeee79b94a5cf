import CaseWatchModel
import CaseWatchPostgres
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import Crypto
import Foundation

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

    /// A digest of this node's configuration file, which every node of a cluster must share.
    package var digest: String {
        let bytes = FileManager.default.contents(atPath: file) ?? Data(file.utf8)
        return SHA256.hash(data: bytes).prefix(12).map { String(format: "%02x", $0) }.joined()
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
