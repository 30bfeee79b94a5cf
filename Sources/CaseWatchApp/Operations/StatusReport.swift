import CaseWatchSources
import CaseWatchStore
import Foundation

/// `casewatch status` and the console's overview: the dispatcher's status, with the cluster's nodes when the store
/// is shared (PostgreSQL).
package enum StatusReport {
    package static func read(configuration: Configuration, store: any StateStore, now: Date) async throws
        -> DispatcherStatus
    {
        var status = try await store.status()
        if configuration.usesPostgres {
            status.nodes = try await store.nodes(now: now, ttl: configuration.cluster.lease)
        }
        return status
    }
}
