import CaseWatchModel
import CaseWatchStore
import Foundation
import GRDB

extension SQLiteStateStore {
    package func endpointsFailing(since cutoff: Date) async throws -> [FailingEndpoint] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.channel, h.address, h.subscriber_id, h.failing_since, h.last_failure FROM endpoint_health h
                WHERE h.failing_since IS NOT NULL AND h.failing_since <= ?
                    AND NOT EXISTS (SELECT 1 FROM optout o WHERE o.channel = h.channel AND o.address = h.address)
                ORDER BY h.failing_since
                """, arguments: [cutoff.timeIntervalSince1970]).map { row in
                FailingEndpoint(endpoint: ChannelAddress(channel: ChannelID(rawValue: row[0]), address: row[1]),
                                subscriberID: row[2], failingSince: Date(timeIntervalSince1970: row[3]), lastFailure: row[4])
            }
        }
    }
}
