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
                DELETE FROM outbox_fallback WHERE outbox_id IN (SELECT id FROM erased_entry);
                DELETE FROM telegram_split WHERE message_id IN
                    (SELECT message_id FROM outbox WHERE id IN (SELECT id FROM erased_entry));
                """)
            for endpoint in addresses where endpoint.channel == .telegram {
                try db.execute(sql: "DELETE FROM telegram_chat_migration WHERE chat_id = ? OR migrated_to = ?",
                               arguments: [endpoint.address, endpoint.address])
            }
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

/// Retention and backups.
extension SQLiteStateStore {
    package func prune(deliveredBefore cutoff: Date, keepingSources sources: Set<String>, batchSize: Int,
                       maxBatches: Int) async throws -> PruneReport
    {
        var report = PruneReport()
        let stamp = Timestamp.iso8601(cutoff)
        var after: Int64 = 0
        for _ in 0..<maxBatches {
            // One short transaction per batch: a delivery cycle beside it waits at most one batch for the lock.
            let start = after
            let (batch, attempts, last) = try await write { db -> (Int, Int, Int64?) in
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT id FROM outbox WHERE id > ? AND state = 'delivered' AND updated_at < ?
                        AND (EXISTS (SELECT 1 FROM outbox_payload p WHERE p.outbox_id = outbox.id)
                             OR EXISTS (SELECT 1 FROM outbox_laid_out_payload l WHERE l.outbox_id = outbox.id)
                             OR EXISTS (SELECT 1 FROM attempt a WHERE a.outbox_id = outbox.id))
                    ORDER BY id LIMIT ?
                    """, arguments: [start, stamp, batchSize])
                guard let last = ids.last else { return (0, 0, nil) }
                let list = ids.map(String.init).joined(separator: ",")
                try db.execute(sql: "DELETE FROM attempt WHERE outbox_id IN (\(list))")
                let attempts = db.changesCount
                try db.execute(sql: "DELETE FROM outbox_payload WHERE outbox_id IN (\(list))")
                try db.execute(sql: "DELETE FROM outbox_laid_out_payload WHERE outbox_id IN (\(list))")
                return (ids.count, attempts, last)
            }
            report.entries += batch
            report.attempts += attempts
            guard let last else { break }
            after = last
            if batch == batchSize, report.entries == batchSize * maxBatches { report.more = true }
        }
        report.lines = try await pruneLines(batchSize: batchSize)
        report.sources = try await write { db in
            let keep = sources.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ",")
            try db.execute(sql: """
                DELETE FROM source_state WHERE (fetched_at IS NULL OR fetched_at < ?)
                    AND source NOT IN (SELECT source FROM case_snapshot WHERE source IS NOT NULL)
                    \(keep.isEmpty ? "" : "AND source NOT IN (\(keep))")
                """, arguments: [stamp])
            return db.changesCount
        }
        return report
    }

    /// Deletes the stored lines that no laid-out payload names any more, in batches.
    private func pruneLines(batchSize: Int) async throws -> Int {
        let used = try await read { db -> Set<Int64> in
            var ids: Set<Int64> = []
            let layouts = try String.fetchCursor(db, sql: "SELECT layout FROM outbox_laid_out_payload")
            while let layout = try layouts.next() {
                guard let bar = layout.firstIndex(of: "|") else { continue }
                for run in layout[layout.index(after: bar)...].split(separator: ",") {
                    if let id = run.split(separator: ":").first.flatMap({ Int64($0) }) { ids.insert(id) }
                }
            }
            return ids
        }
        let all = try await read { db in try Int64.fetchAll(db, sql: "SELECT id FROM outbox_lines") }
        let unused = all.filter { !used.contains($0) }
        for start in stride(from: 0, to: unused.count, by: max(1, batchSize)) {
            let chunk = unused[start..<min(start + batchSize, unused.count)].map(String.init).joined(separator: ",")
            try await write { db in try db.execute(sql: "DELETE FROM outbox_lines WHERE id IN (\(chunk))") }
        }
        return unused.count
    }

    package func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.failed, "\(path) exists already; name a new file")
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.failed, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        do {
            try Self.copy(pool, to: path)
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: path)
            throw StoreError(.failed, "the backup to \(path) failed: \(Self.reason(error))")
        }
    }

    /// SQLite's online backup of `pool` into the file at `path`, left as one self-contained file.
    private static func copy(_ pool: DatabasePool, to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try copy.close()
    }
}
