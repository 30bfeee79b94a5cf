import CaseWatchStore
import Foundation

/// One process works on a SQLite store at a time, under the run lock: it always leads.
extension SQLiteStateStore {
    package func lead(node: String, configDigest: String, ttl: TimeInterval, now: Date) async throws -> Leadership {
        Leadership(leads: true, leader: node)
    }

    package func nodes(now: Date, ttl: TimeInterval) async throws -> [ClusterNode] { [] }

    package func resign(node: String) async throws {}
}
