import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import PostgresNIO

/// Per-endpoint rates on PostgreSQL, held by every node together: a request locks its keys' rows in
/// `throttle_slot` (made first if missing), decides with ``Throttle``, and moves the slots in the same transaction,
/// so two nodes never take the same slot.
extension PostgresStateStore: ThrottleStore {
    package func throttle(_ asks: [ThrottleAsk], now: Date, horizon: TimeInterval) throws -> [ThrottleDecision] {
        guard !asks.isEmpty else { return [] }
        let logger = self.logger
        // Locked in one order, so that two batches sharing keys never wait for each other.
        let keys = Array(Set(asks.flatMap(\.request.keys))).sorted()
        return try blocking {
            try await self.transaction { connection -> [ThrottleDecision] in
                try await connection.execute("""
                    INSERT INTO throttle_slot (key, next_free_at) SELECT k, 0 FROM unnest(\(keys)::text[]) AS k
                    ON CONFLICT (key) DO NOTHING
                    """, logger: logger)
                var slots: [String: Date] = [:]
                for row in try await connection.rows("""
                    SELECT key, next_free_at FROM throttle_slot WHERE key = ANY(\(keys)) ORDER BY key FOR UPDATE
                    """, logger: logger) {
                    let (key, next) = try row.decode((String, Double).self)
                    slots[key] = Date(timeIntervalSince1970: next)
                }
                let (decisions, moved) = Throttle.decide(asks, slots: &slots, now: now, horizon: horizon)
                if !moved.isEmpty {
                    let movedKeys = Array(moved.keys)
                    try await connection.execute("""
                        UPDATE throttle_slot t SET next_free_at = u.next
                        FROM unnest(\(movedKeys)::text[], \(movedKeys.map { moved[$0]!.timeIntervalSince1970 })::float8[])
                            AS u (key, next)
                        WHERE t.key = u.key
                        """, logger: logger)
                }
                return decisions
            }
        }
    }

    package func postpone(_ postponements: [Postponement], owner: String) throws {
        guard !postponements.isEmpty else { return }
        let ids = postponements.map(\.outboxID)
        let untils = postponements.map { $0.until.timeIntervalSince1970 }
        // -1: the entry's first due moment stays as it is.
        let firstDue = postponements.map { $0.firstDueAt?.timeIntervalSince1970 ?? -1 }
        try blocking {
            try await self.execute("""
                UPDATE outbox o SET next_attempt_at = u.until, first_due_at = coalesce(NULLIF(u.first_due, -1), o.first_due_at),
                    lease_owner = NULL, lease_until = NULL
                FROM unnest(\(ids)::bigint[], \(untils)::float8[], \(firstDue)::float8[]) AS u (id, until, first_due)
                WHERE o.id = u.id AND o.lease_owner = \(owner) AND o.state IN ('pending', 'retrying')
                """)
        }
    }
}
