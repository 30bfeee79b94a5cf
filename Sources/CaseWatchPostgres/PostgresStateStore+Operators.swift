import CaseWatchModel
import CaseWatchStore
import Foundation
import PostgresNIO

/// Opt-outs, silences, held events, endpoint health.
extension PostgresStateStore {
    package func suppressions() async throws -> Suppressions {
        Suppressions(try await optOuts(), salt: try await setting(Self.eraseSaltKey) ?? "")
    }

    package static let eraseSaltKey = "erase_salt"

    package func optOuts() async throws -> [OptOut] {
        try await rows("""
            SELECT channel, address, kind, reason, detail, subscriber_id, created_at FROM optout
            ORDER BY created_at, channel, address
            """).map { row in
            let (channel, address, kind, reason, detail, subscriber, since) = try row.decode(
                (String, String, String, String, String?, String?, String).self)
            return OptOut(channel: ChannelID(rawValue: channel), address: address,
                          kind: OptOut.Kind(rawValue: kind) ?? .disabled, reason: reason, detail: detail,
                          subscriberID: subscriber, since: since)
        }
    }

    package func optOut(_ optOut: OptOut) async throws -> Bool {
        !(try await rows("""
            INSERT INTO optout (channel, address, kind, reason, detail, subscriber_id, created_at)
            VALUES (\(optOut.channel.rawValue), \(optOut.address), \(optOut.kind.rawValue), \(optOut.reason),
                \(optOut.detail), \(optOut.subscriberID), \(optOut.since))
            ON CONFLICT (channel, address) DO NOTHING RETURNING 1
            """).isEmpty)
    }

    package func liftOptOut(channel: ChannelID, address: String, kinds: Set<OptOut.Kind>) async throws -> Bool {
        !(try await rows("""
            DELETE FROM optout WHERE channel = \(channel.rawValue) AND address = \(address)
                AND kind = ANY(\(kinds.map(\.rawValue))) RETURNING 1
            """).isEmpty)
    }

    // MARK: Silences

    static func silence(_ row: PostgresRow) throws -> Silence? {
        let (id, matcher, value, starts, ends, reason) = try row.decode((Int64, String, String, Double, Double, String).self)
        guard let matcher = Silence.Matcher(rawValue: matcher) else { return nil }
        return Silence(id: id, matcher: matcher, value: value, startsAt: Date(timeIntervalSince1970: starts),
                       endsAt: Date(timeIntervalSince1970: ends), reason: reason)
    }

    package func addSilence(matcher: Silence.Matcher, value: String, until: Date, reason: String, now: Date) async throws
        -> Silence
    {
        let id = try await rows("""
            INSERT INTO silence (matcher, value, starts_at, ends_at, reason, created_at)
            VALUES (\(matcher.rawValue), \(value), \(now.timeIntervalSince1970), \(until.timeIntervalSince1970), \(reason),
                \(Timestamp.iso8601(now)))
            RETURNING id
            """)[0].decode(Int64.self)
        return Silence(id: id, matcher: matcher, value: value, startsAt: now, endsAt: until, reason: reason)
    }

    package func silences(activeAt moment: Date?) async throws -> [Silence] {
        let query: PostgresQuery = if let moment {
            """
            SELECT id, matcher, value, starts_at, ends_at, reason FROM silence
            WHERE starts_at <= \(moment.timeIntervalSince1970) AND ends_at > \(moment.timeIntervalSince1970) ORDER BY id DESC
            """
        } else {
            "SELECT id, matcher, value, starts_at, ends_at, reason FROM silence ORDER BY id DESC"
        }
        return try await rows(query).compactMap(Self.silence)
    }

    package func expireSilence(id: Int64, now: Date) async throws -> Bool {
        !(try await rows("""
            UPDATE silence SET ends_at = \(now.timeIntervalSince1970)
            WHERE id = \(id) AND ends_at > \(now.timeIntervalSince1970) RETURNING 1
            """).isEmpty)
    }

    // MARK: Held events

    package func heldEvents(caseIDs: [String], since: Date) async throws -> [String: [HeldEvent]] {
        guard !caseIDs.isEmpty else { return [:] }
        let decoder = JSONDecoder.caseWatch
        var held: [String: [HeldEvent]] = [:]
        for row in try await rows("""
            SELECT e.case_id, e.json, e.has_prior, e.prior_json FROM event e
            WHERE e.case_id = ANY(\(caseIDs)) AND e.detected_at >= \(Timestamp.iso8601(since)) AND e.withdrawn_at IS NULL
                AND e.type NOT IN ('case.hearing_reminder', 'case.deadline_reminder')
                AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND (o.attempts > 0 OR o.state = 'delivered'))
            ORDER BY e.seq
            """) {
            let (caseID, json, hasPrior, prior) = try row.decode((String, Data, Bool, Data?).self)
            held[caseID, default: []].append(HeldEvent(
                event: try decoder.decode(CaseEvent.self, from: json),
                prior: try prior.map { try decoder.decode(LegalCase.self, from: $0) }, priorKnown: hasPrior))
        }
        return held
    }

    package func withdraw(eventIDs: [String], reason: String, now: Date) async throws -> Int {
        let logger = self.logger
        return try await transaction { connection in
            var count = 0
            for id in eventIDs {
                count += try await Self.withdraw(eventID: id, reason: reason, now: now, on: connection, logger: logger)
            }
            return count
        }
    }

    static func withdraw(eventID: String, reason: String, now: Date, on connection: PostgresConnection, logger: Logger)
        async throws -> Int
    {
        let stamp = Timestamp.iso8601(now)
        try await connection.execute("""
            UPDATE event SET withdrawn_at = \(stamp), withdraw_reason = \(reason)
            WHERE id = \(eventID) AND withdrawn_at IS NULL
            """, logger: logger)
        return try await connection.rows("""
            UPDATE outbox SET state = 'withdrawn', last_error = \("withdrawn: " + reason), updated_at = \(stamp),
                lease_owner = NULL, lease_until = NULL
            WHERE event_id = \(eventID) AND state IN ('pending', 'retrying') RETURNING id
            """, logger: logger).count
    }

    // MARK: Endpoint health

    package func endpointsFailing(since cutoff: Date) async throws -> [FailingEndpoint] {
        try await rows("""
            SELECT h.channel, h.address, h.subscriber_id, h.failing_since, h.last_failure FROM endpoint_health h
            WHERE h.failing_since IS NOT NULL AND h.failing_since <= \(cutoff.timeIntervalSince1970)
                AND NOT EXISTS (SELECT 1 FROM optout o WHERE o.channel = h.channel AND o.address = h.address)
            ORDER BY h.failing_since
            """).map { row in
            let (channel, address, subscriber, since, last) = try row.decode((String, String, String?, Double, String?).self)
            return FailingEndpoint(endpoint: ChannelAddress(channel: ChannelID(rawValue: channel), address: address),
                                   subscriberID: subscriber, failingSince: Date(timeIntervalSince1970: since),
                                   lastFailure: last)
        }
    }
}
