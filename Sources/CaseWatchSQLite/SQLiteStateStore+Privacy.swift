import CaseWatchModel
import CaseWatchStore
import Foundation
import GRDB

/// A person's data: found, and erased.
extension SQLiteStateStore {
    package func recipients(subscriberID: String) async throws -> Set<ChannelAddress> {
        try await read { db in
            Set(try Row.fetchAll(db, sql: "SELECT DISTINCT channel, recipient FROM outbox WHERE subscriber_id = ?",
                                 arguments: [subscriberID]).map {
                ChannelAddress(channel: ChannelID(rawValue: $0[0]), address: $0[1])
            })
        }
    }

    package func erase(subscriberID: String, addresses: Set<ChannelAddress>, now: Date) async throws -> EraseReport {
        let salt = try await settingOnce(Self.eraseSaltKey, value: Self.randomSalt())
        let report = try await write { db in
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS erased_entry (id INTEGER PRIMARY KEY);
                DELETE FROM erased_entry;
                INSERT INTO erased_entry SELECT id FROM outbox WHERE subscriber_id = ?;
                """, arguments: [subscriberID])
            for endpoint in addresses {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO erased_entry SELECT id FROM outbox WHERE channel = ?
                        AND (CASE channel WHEN 'email' THEN lower(recipient) ELSE recipient END) = ?
                    """, arguments: [endpoint.channel.rawValue,
                                     EndpointAddress.normalized(endpoint.address, channel: endpoint.channel)])
            }
            try db.execute(sql: "DELETE FROM attempt WHERE outbox_id IN (SELECT id FROM erased_entry)")
            let attempts = db.changesCount
            try db.execute(sql: """
                DELETE FROM outbox_payload WHERE outbox_id IN (SELECT id FROM erased_entry);
                DELETE FROM outbox_laid_out_payload WHERE outbox_id IN (SELECT id FROM erased_entry);
                """)
            try db.execute(sql: "DELETE FROM outbox WHERE id IN (SELECT id FROM erased_entry)")
            let entries = db.changesCount
            var optOuts = 0
            for endpoint in addresses {
                let normalized = EndpointAddress.normalized(endpoint.address, channel: endpoint.channel)
                try db.execute(sql: "DELETE FROM optout WHERE channel = ? AND address = ?",
                               arguments: [endpoint.channel.rawValue, normalized])
                optOuts += db.changesCount
                try db.execute(sql: """
                    INSERT OR IGNORE INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
                    VALUES (?, ?, 'erased', 'erased on request', NULL, NULL, ?)
                    """, arguments: [endpoint.channel.rawValue,
                                     EndpointAddress.erasedKey(endpoint.address, channel: endpoint.channel, salt: salt),
                                     Timestamp.iso8601(now)])
            }
            try db.execute(sql: "UPDATE optout SET subscriber_id = NULL WHERE subscriber_id = ?", arguments: [subscriberID])
            try db.execute(sql: "DELETE FROM digest_state WHERE subscriber_id = ?", arguments: [subscriberID])
            let prefix = SubscriberPreferences.prefix(subscriberID)
            try db.execute(sql: "DELETE FROM setting WHERE substr(key, 1, ?) = ?", arguments: [prefix.count, prefix])
            try db.execute(sql: "DROP TABLE erased_entry")
            return EraseReport(outboxEntries: entries, attempts: attempts, optOuts: optOuts)
        }
        // Compact the file and empty the WAL, so that no copy of what was deleted stays in the file's free pages.
        do {
            try await pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch let error as DatabaseError {
            throw StoreError(.failed, "the store \(path): \(Self.reason(error))")
        }
        return report
    }

    static func randomSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
