import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import PostgresNIO

/// A delivery run's claims on PostgreSQL: each claim leases the entries it hands out to this run (`owner`) until
/// `cluster.lease` has passed on the run's clock, so no other node's claim takes them meanwhile; an outcome is
/// written only while this run still holds the lease, so a node that lost its lease (it stalled, another node took
/// the entry over) cannot overwrite the new owner's outcome.
///
/// The run's clock starts at its cutoff and moves with the time the run has taken, so that leases mean the same
/// in production (cutoff is now) and in the conformance suite (which works at a fixed moment).
final class PostgresClaimSession: ClaimSession, @unchecked Sendable {  // `handedOut` is guarded by `lock`
    private let store: PostgresStateStore
    private let cutoff: Date
    private let owner: String
    private let started = Date()
    private let lock = NSLock()
    private var handedOut: Set<Int64> = []

    init(store: PostgresStateStore, cutoff: Date, owner: String) {
        self.store = store
        self.cutoff = cutoff
        self.owner = owner
    }

    /// Now, on the run's clock.
    private var now: Date { cutoff.addingTimeInterval(Date().timeIntervalSince(started)) }

    func claim(limit: Int) throws -> [DeliveryJob] {
        let (store, cutoff, owner, now) = (store, cutoff, owner, now)
        let jobs = try store.blocking {
            try await store.claimDue(cutoff: cutoff, now: now, owner: owner, limit: limit)
        }
        lock.withLock { handedOut.formUnion(jobs.map(\.outboxID)) }
        return jobs
    }

    func complete(_ attempts: [AttemptRecord]) throws {
        let (store, owner) = (store, owner)
        try store.blocking { try await store.complete(attempts, owner: owner) }
        lock.withLock { handedOut.subtract(attempts.map(\.job.outboxID)) }
    }

    /// A third of the lease, so that a renewal that fails once still leaves time for the next.
    var renewalInterval: TimeInterval? { store.lease / 3 }

    /// Extends the leases of the entries this run holds and has not completed.
    func renew() throws {
        let ids = lock.withLock { Array(handedOut) }
        guard !ids.isEmpty else { return }
        let (store, owner, until) = (store, owner, now.addingTimeInterval(store.lease))
        try store.blocking {
            try await store.execute("""
                UPDATE outbox SET lease_until = \(until.timeIntervalSince1970)
                WHERE id = ANY(\(ids)) AND lease_owner = \(owner)
                """)
        }
    }
}

extension PostgresStateStore {
    /// Claims up to `limit` due entries for `owner`; switched-off and silenced ones are settled on the way.
    func claimDue(cutoff: Date, now: Date, owner: String, limit: Int) async throws -> [DeliveryJob] {
        let logger = self.logger
        let until = now.addingTimeInterval(lease).timeIntervalSince1970
        while true {
            let claimed = try await transaction { connection -> [DeliveryJob] in
                let rows = try await connection.rows("""
                    WITH due AS (
                        SELECT id FROM outbox
                        WHERE state IN ('pending', 'retrying') AND next_attempt_at <= \(cutoff.timeIntervalSince1970)
                            AND (lease_until IS NULL OR lease_until < \(now.timeIntervalSince1970))
                        ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    )
                    UPDATE outbox o SET lease_owner = \(owner), lease_until = \(until) FROM due WHERE o.id = due.id
                    RETURNING o.id, o.event_id, o.subscriber_id, o.channel, o.generation, o.recipient, o.message_id,
                        o.secret_env, o.attempts, o.deferrals, o.first_due_at, o.next_attempt_at
                    """, logger: logger)
                guard !rows.isEmpty else { return [] }
                var entries: [(job: DeliveryJob, due: Double)] = []
                var ids: [Int64] = []
                for row in rows {
                    let (id, eventID, subscriberID, channel, generation, recipient, messageID, secretEnv, attempts,
                         deferrals, firstDue, due) = try row.decode(
                        (Int64, String, String, String, Int, String, String, String?, Int, Int, Double?, Double).self)
                    let draft = OutboxDraft(eventID: eventID, subscriberID: subscriberID,
                                            channel: ChannelID(rawValue: channel), recipient: recipient,
                                            messageID: messageID, payload: [], secretEnv: secretEnv,
                                            generation: generation)
                    entries.append((DeliveryJob(outboxID: id, draft: draft, attempts: attempts, deferrals: deferrals,
                                                firstDueAt: firstDue.map(Date.init(timeIntervalSince1970:))), due))
                    ids.append(id)
                }
                entries.sort { ($0.due, $0.job.outboxID) < ($1.due, $1.job.outboxID) }
                return try await Self.settleOrLoad(entries.map(\.job), ids: ids, now: now, on: connection, logger: logger)
            }
            // Every entry of that batch was switched off or silenced: look further, unless the queue is empty.
            if !claimed.isEmpty { return claimed }
            let more = try await rows("""
                SELECT 1 FROM outbox WHERE state IN ('pending', 'retrying')
                    AND next_attempt_at <= \(cutoff.timeIntervalSince1970)
                    AND (lease_until IS NULL OR lease_until < \(now.timeIntervalSince1970)) LIMIT 1
                """)
            if more.isEmpty { return [] }
        }
    }

    /// Settles the claimed entries whose endpoint is switched off (dead letters) or that a silence holds back
    /// (`silenced`), and reads the payloads of the rest.
    private static func settleOrLoad(_ jobs: [DeliveryJob], ids: [Int64], now: Date, on connection: PostgresConnection,
                                     logger: Logger) async throws -> [DeliveryJob] {
        let stamp = Timestamp.iso8601(now)
        var optOuts: [String: String] = [:]
        let channels = jobs.map(\.draft.channel.rawValue)
        let addresses = jobs.map { EndpointAddress.normalized($0.draft.recipient, channel: $0.draft.channel) }
        for row in try await connection.rows("""
            SELECT o.channel, o.address, o.reason FROM optout o
            JOIN unnest(\(channels)::text[], \(addresses)::text[]) AS j (channel, address)
                ON o.channel = j.channel AND o.address = j.address
            """, logger: logger) {
            let (channel, address, reason) = try row.decode((String, String, String).self)
            optOuts[channel + " " + address] = reason
        }
        let silences = try await connection.rows("""
            SELECT id, matcher, value, starts_at, ends_at, reason FROM silence
            WHERE starts_at <= \(now.timeIntervalSince1970) AND ends_at > \(now.timeIntervalSince1970) ORDER BY id DESC
            """, logger: logger).compactMap(Self.silence)
        var events: [String: (caseID: String, type: String)] = [:]
        if !silences.isEmpty {
            for row in try await connection.rows("""
                SELECT id, case_id, type FROM event WHERE id = ANY(\(jobs.map(\.draft.eventID)))
                """, logger: logger) {
                let (id, caseID, type) = try row.decode((String, String, String).self)
                events[id] = (caseID, type)
            }
        }
        var waiting: [DeliveryJob] = []
        for job in jobs {
            let draft = job.draft
            let key = draft.channel.rawValue + " " + EndpointAddress.normalized(draft.recipient, channel: draft.channel)
            if let reason = optOuts[key] {
                try await connection.execute("""
                    UPDATE outbox SET state = 'dead', last_error = \("not sent: " + reason), updated_at = \(stamp),
                        lease_owner = NULL, lease_until = NULL WHERE id = \(job.outboxID)
                    """, logger: logger)
            } else if let silence = silences.first(where: {
                $0.matches(caseID: events[draft.eventID]?.caseID, type: events[draft.eventID]?.type,
                           subscriberID: draft.subscriberID)
            }) {
                try await connection.execute("""
                    UPDATE outbox SET state = 'silenced', last_error = \(silence.note), updated_at = \(stamp),
                        lease_owner = NULL, lease_until = NULL WHERE id = \(job.outboxID)
                    """, logger: logger)
            } else {
                waiting.append(job)
            }
        }
        guard !waiting.isEmpty else { return [] }
        var payloads: [Int64: Data] = [:]
        for row in try await connection.rows("""
            SELECT outbox_id, payload FROM outbox_payload WHERE outbox_id = ANY(\(waiting.map(\.outboxID)))
            """, logger: logger) {
            let (id, payload) = try row.decode((Int64, Data).self)
            payloads[id] = payload
        }
        var ready: [DeliveryJob] = []
        for var job in waiting {
            guard let payload = payloads[job.outboxID] else {
                try await connection.execute("""
                    UPDATE outbox SET state = 'dead', last_error = 'not sent: the stored message is missing',
                        updated_at = \(stamp), lease_owner = NULL, lease_until = NULL WHERE id = \(job.outboxID)
                    """, logger: logger)
                continue
            }
            job.draft.payload = Array(payload)
            ready.append(job)
        }
        return ready
    }

    /// Writes outcomes, each only while `owner` still holds the entry's lease.
    func complete(_ attempts: [AttemptRecord], owner: String) async throws {
        let logger = self.logger
        try await transaction { connection in
            let stamp = Timestamp.iso8601(Date())
            // The common case, a delivery, is written for the whole batch in three statements.
            let delivered = attempts.filter(\.isPlainDelivery)
            try await Self.completeDelivered(delivered, owner: owner, stamp: stamp, on: connection, logger: logger)
            for attempt in attempts where !attempt.isPlainDelivery {
                let draft = attempt.job.draft
                let failure: String? = if case .delivered = attempt.outcome { nil } else { attempt.outcome.detail }
                let next = (attempt.transition.nextAttemptAt ?? attempt.startedAt).timeIntervalSince1970
                let updated = try await connection.rows("""
                    UPDATE outbox SET state = \(attempt.transition.state.rawValue), attempts = attempts + 1,
                        next_attempt_at = \(next), last_error = \(failure), updated_at = \(stamp),
                        deferrals = deferrals + \(attempt.transition.deferred ? 1 : 0), lease_owner = NULL, lease_until = NULL
                    WHERE id = \(attempt.job.outboxID) AND lease_owner = \(owner)
                    RETURNING id
                    """, logger: logger)
                guard !updated.isEmpty else { continue }  // the lease was lost: the new owner's outcome stands
                try await connection.execute("""
                    INSERT INTO attempt (outbox_id, started_at, duration_ms, outcome, code, detail)
                    VALUES (\(attempt.job.outboxID), \(Timestamp.iso8601(attempt.startedAt)),
                        \(Int(attempt.duration * 1000)), \(attempt.outcome.label), \(attempt.code), \(attempt.outcome.detail))
                    """, logger: logger)
                let address = EndpointAddress.normalized(draft.recipient, channel: draft.channel)
                if case .delivered = attempt.outcome {
                    try await connection.execute("""
                        UPDATE endpoint_health SET failing_since = NULL
                        WHERE channel = \(draft.channel.rawValue) AND address = \(address) AND failing_since IS NOT NULL
                        """, logger: logger)
                } else {
                    try await connection.execute("""
                        INSERT INTO endpoint_health (channel, address, subscriber_id, failing_since, last_failure)
                        VALUES (\(draft.channel.rawValue), \(address), \(draft.subscriberID),
                            \(attempt.startedAt.timeIntervalSince1970), \(attempt.outcome.detail))
                        ON CONFLICT (channel, address) DO UPDATE SET
                            failing_since = coalesce(endpoint_health.failing_since, excluded.failing_since),
                            last_failure = excluded.last_failure, subscriber_id = excluded.subscriber_id
                        """, logger: logger)
                }
                if let kind = attempt.transition.optOut {
                    let reason = kind == .bounced ? "the relay refused the recipient" : attempt.outcome.detail
                    try await connection.execute("""
                        INSERT INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
                        VALUES (\(draft.channel.rawValue), \(address), \(kind.rawValue), \(reason),
                            \(attempt.outcome.detail), \(draft.subscriberID), \(Timestamp.iso8601(attempt.startedAt)))
                        ON CONFLICT (channel, address) DO NOTHING
                        """, logger: logger)
                }
            }
        }
    }

    /// Outcomes of deliveries, each written only while `owner` still holds the entry's lease: the entries, their
    /// attempts and their endpoints' health, one statement each for the whole batch.
    private static func completeDelivered(_ attempts: [AttemptRecord], owner: String, stamp: String,
                                          on connection: PostgresConnection, logger: Logger) async throws {
        guard !attempts.isEmpty else { return }
        let ids = attempts.map(\.job.outboxID)
        let next = attempts.map { ($0.transition.nextAttemptAt ?? $0.startedAt).timeIntervalSince1970 }
        let held = Set(try await connection.rows("""
            UPDATE outbox o SET state = 'delivered', attempts = o.attempts + 1, next_attempt_at = u.next,
                last_error = NULL, updated_at = \(stamp), lease_owner = NULL, lease_until = NULL
            FROM unnest(\(ids)::bigint[], \(next)::float8[]) AS u (id, next)
            WHERE o.id = u.id AND o.lease_owner = \(owner)
            RETURNING o.id
            """, logger: logger).map { try $0.decode(Int64.self) })
        // A lease lost meanwhile: the new owner's outcome stands, and this attempt is not recorded.
        let written = attempts.filter { held.contains($0.job.outboxID) }
        guard !written.isEmpty else { return }
        try await connection.execute("""
            INSERT INTO attempt (outbox_id, started_at, duration_ms, outcome, code, detail)
            SELECT id, started, duration, outcome, NULLIF(code, -1), detail
            FROM unnest(\(written.map(\.job.outboxID))::bigint[], \(written.map { Timestamp.iso8601($0.startedAt) })::text[],
                        \(written.map { Int($0.duration * 1000) })::int[], \(written.map(\.outcome.label))::text[],
                        \(written.map { $0.code ?? -1 })::int[], \(written.map(\.outcome.detail))::text[])
                AS u (id, started, duration, outcome, code, detail)
            """, logger: logger)
        try await connection.execute("""
            UPDATE endpoint_health e SET failing_since = NULL
            FROM unnest(\(written.map(\.job.draft.channel.rawValue))::text[],
                        \(written.map { EndpointAddress.normalized($0.job.draft.recipient, channel: $0.job.draft.channel) })::text[])
                AS u (channel, address)
            WHERE e.channel = u.channel AND e.address = u.address AND e.failing_since IS NOT NULL
            """, logger: logger)
    }
}

extension AttemptRecord {
    /// A delivery that only moves its entry to delivered (no deferral, no opt-out): the batch's common case.
    var isPlainDelivery: Bool {
        guard case .delivered = outcome else { return false }
        return transition.state == .delivered && !transition.deferred && transition.optOut == nil
    }
}
