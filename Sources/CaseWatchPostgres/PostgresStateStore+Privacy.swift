import CaseWatchModel
import CaseWatchStore
import Foundation
import PostgresNIO

/// A person's data, retention, backups.
extension PostgresStateStore {
    package func recipients(subscriberID: String) async throws -> Set<ChannelAddress> {
        Set(try await rows("SELECT DISTINCT channel, recipient FROM outbox WHERE subscriber_id = \(subscriberID)").map {
            let (channel, address) = try $0.decode((String, String).self)
            return ChannelAddress(channel: ChannelID(rawValue: channel), address: address)
        })
    }

    /// Erases as the SQLite engine does; PostgreSQL reuses the space of deleted rows once VACUUM has run over the
    /// tables (run here for those touched), and never returns old row versions to readers.
    package func erase(subscriberID: String, addresses: Set<ChannelAddress>, now: Date) async throws -> EraseReport {
        let salt = try await settingOnce(Self.eraseSaltKey, value: UUID().uuidString + UUID().uuidString)
        let logger = self.logger
        let channels = addresses.map(\.channel.rawValue)
        let normalized = addresses.map { EndpointAddress.normalized($0.address, channel: $0.channel) }
        let report = try await transaction { connection -> EraseReport in
            let ids = try await connection.rows("""
                SELECT o.id FROM outbox o WHERE o.subscriber_id = \(subscriberID)
                UNION
                SELECT o.id FROM outbox o JOIN unnest(\(channels)::text[], \(normalized)::text[]) AS j (channel, address)
                    ON o.channel = j.channel
                    AND (CASE o.channel WHEN 'email' THEN lower(o.recipient) ELSE o.recipient END) = j.address
                """, logger: logger).map { try $0.decode(Int64.self) }
            let attempts = try await connection.rows("DELETE FROM attempt WHERE outbox_id = ANY(\(ids)) RETURNING 1",
                                                     logger: logger).count
            try await connection.execute("DELETE FROM outbox_payload WHERE outbox_id = ANY(\(ids))", logger: logger)
            try await connection.execute("DELETE FROM outbox_fallback WHERE outbox_id = ANY(\(ids))", logger: logger)
            try await connection.execute(
                "DELETE FROM telegram_split WHERE message_id IN (SELECT message_id FROM outbox WHERE id = ANY(\(ids)))",
                logger: logger)
            for endpoint in addresses where endpoint.channel == .telegram {
                let chat = endpoint.address
                try await connection.execute(
                    "DELETE FROM telegram_chat_migration WHERE chat_id = \(chat) OR migrated_to = \(chat)", logger: logger)
            }
            let entries = try await connection.rows("DELETE FROM outbox WHERE id = ANY(\(ids)) RETURNING 1",
                                                    logger: logger).count
            var optOuts = 0
            for endpoint in addresses {
                let address = EndpointAddress.normalized(endpoint.address, channel: endpoint.channel)
                optOuts += try await connection.rows("""
                    DELETE FROM optout WHERE channel = \(endpoint.channel.rawValue) AND address = \(address) RETURNING 1
                    """, logger: logger).count
                let key = EndpointAddress.erasedKey(endpoint.address, channel: endpoint.channel, salt: salt)
                try await connection.execute("""
                    INSERT INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
                    VALUES (\(endpoint.channel.rawValue), \(key), 'erased', 'erased on request', NULL, NULL,
                        \(Timestamp.iso8601(now)))
                    ON CONFLICT (channel, address) DO NOTHING
                    """, logger: logger)
                try await connection.execute("""
                    DELETE FROM endpoint_health WHERE channel = \(endpoint.channel.rawValue) AND address = \(address)
                    """, logger: logger)
            }
            try await connection.execute("UPDATE optout SET subscriber_id = NULL WHERE subscriber_id = \(subscriberID)",
                                         logger: logger)
            try await connection.execute("DELETE FROM digest_state WHERE subscriber_id = \(subscriberID)", logger: logger)
            let prefix = SubscriberPreferences.prefix(subscriberID)
            try await connection.execute("DELETE FROM setting WHERE starts_with(key, \(prefix))",
                                         logger: logger)
            return EraseReport(outboxEntries: entries, attempts: attempts, optOuts: optOuts)
        }
        for table in ["outbox", "outbox_payload", "attempt", "optout", "endpoint_health"] {
            try await execute(PostgresQuery(unsafeSQL: "VACUUM \(table)"))
        }
        return report
    }

    package func prune(deliveredBefore cutoff: Date, keepingSources sources: Set<String>, batchSize: Int,
                       maxBatches: Int) async throws -> PruneReport
    {
        var report = PruneReport()
        let stamp = Timestamp.iso8601(cutoff)
        var after: Int64 = 0
        let logger = self.logger
        for _ in 0..<maxBatches {
            let start = after
            let (ids, attempts) = try await transaction { connection -> ([Int64], Int) in
                let ids = try await connection.rows("""
                    SELECT id FROM outbox WHERE id > \(start) AND state = 'delivered' AND updated_at < \(stamp)
                        AND (EXISTS (SELECT 1 FROM outbox_payload p WHERE p.outbox_id = outbox.id)
                             OR EXISTS (SELECT 1 FROM attempt a WHERE a.outbox_id = outbox.id))
                    ORDER BY id LIMIT \(batchSize)
                    """, logger: logger).map { try $0.decode(Int64.self) }
                guard !ids.isEmpty else { return ([], 0) }
                let attempts = try await connection.rows("DELETE FROM attempt WHERE outbox_id = ANY(\(ids)) RETURNING 1",
                                                         logger: logger).count
                try await connection.execute("DELETE FROM outbox_payload WHERE outbox_id = ANY(\(ids))", logger: logger)
                return (ids, attempts)
            }
            report.entries += ids.count
            report.attempts += attempts
            guard let last = ids.last else { break }
            after = last
            if ids.count == batchSize, report.entries == batchSize * maxBatches { report.more = true }
        }
        report.sources = try await rows("""
            DELETE FROM source_state WHERE (fetched_at IS NULL OR fetched_at < \(stamp))
                AND source NOT IN (SELECT source FROM case_snapshot WHERE source IS NOT NULL)
                AND NOT (source = ANY(\(Array(sources))))
            RETURNING 1
            """).count
        return report
    }

    package func backup(to path: String) async throws {
        throw StoreError(.failed, "the store is on PostgreSQL: copy it with pg_dump (pg_dump --format=custom "
            + "--file \(path) \(location)), which gives a consistent snapshot while CaseWatch runs")
    }
}
