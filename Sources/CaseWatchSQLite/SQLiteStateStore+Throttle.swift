import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import GRDB

/// Per-endpoint rates on SQLite: the slots in `throttle_slot`, read and moved in one write transaction (SQLite
/// writes one at a time), so a `run --once` after another holds the rate the one before left.
extension SQLiteStateStore: ThrottleStore {
    package func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision] {
        guard !asks.isEmpty else { return [] }
        return try writeBlocking { db in
            var slots = try Self.slots(Array(Set(asks.flatMap(\.request.keys))), in: db)
            let (decisions, moved) = Throttle.decide(asks, slots: &slots, now: now, horizon: horizon)
            try Self.storeSlots(moved, in: db)
            return decisions
        }
    }

    package func postpone(_ postponements: [Postponement], owner: String) throws {
        guard !postponements.isEmpty else { return }
        try writeBlocking { db in
            let update = try db.cachedStatement(sql: """
                UPDATE outbox SET next_attempt_at = ?, first_due_at = coalesce(?, first_due_at)
                WHERE id = ? AND state IN ('pending', 'retrying')
                """)
            for postponement in postponements {
                try update.execute(arguments: [postponement.until.timeIntervalSince1970,
                                               postponement.firstDueAt?.timeIntervalSince1970, postponement.outboxID])
            }
        }
    }
}

extension SQLiteStateStore: RunLocalThrottleStore {
    package func slots(_ keys: [String]) throws -> [String: Date] {
        guard !keys.isEmpty else { return [:] }
        return try writeBlocking { db in try Self.slots(keys, in: db) }
    }

    package func storeSlots(_ slots: [String: Date]) throws {
        guard !slots.isEmpty else { return }
        try writeBlocking { db in try Self.storeSlots(slots, in: db) }
    }

    /// The stored next free slot of each of `keys` that has one.
    private static func slots(_ keys: [String], in db: Database) throws -> [String: Date] {
        var found: [String: Date] = [:]
        let select = try db.cachedStatement(sql: "SELECT next_free_at FROM throttle_slot WHERE key = ?")
        for key in keys {
            if let next = try Double.fetchOne(select, arguments: [key]) { found[key] = Date(timeIntervalSince1970: next) }
        }
        return found
    }

    private static func storeSlots(_ slots: [String: Date], in db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO throttle_slot (key, next_free_at) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET next_free_at = excluded.next_free_at
            """)
        for (key, next) in slots { try upsert.execute(arguments: [key, next.timeIntervalSince1970]) }
    }
}
