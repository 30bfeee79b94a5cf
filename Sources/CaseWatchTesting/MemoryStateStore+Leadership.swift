import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func lead(node: String, configDigest: String, ttl: TimeInterval, now: Date) async throws -> Leadership {
        Leadership(leads: true, leader: node)
    }

    package func nodes(now: Date, ttl: TimeInterval) async throws -> [ClusterNode] { [] }

    package func resign(node: String) async throws {}
}
