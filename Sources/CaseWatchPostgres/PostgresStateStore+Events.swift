import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import PostgresNIO

extension PostgresStateStore {
    /// An event from (json, withdraw_reason).
    static func event(_ row: PostgresRow, _ decoder: JSONDecoder) throws -> CaseEvent {
        let (json, withdrawal) = try row.decode((Data, String?).self)
        var event = try decoder.decode(CaseEvent.self, from: json)
        event.withdrawal = withdrawal
        return event
    }

    package func events(caseID: String?, since: CalendarDate?) async throws -> [CaseEvent] {
        let decoder = JSONDecoder.caseWatch
        let query: PostgresQuery = switch (caseID, since) {
        case (let caseID?, let since?):
            "SELECT json, withdraw_reason FROM event WHERE case_id = \(caseID) AND detected_at >= \(since.description) ORDER BY seq"
        case (let caseID?, nil): "SELECT json, withdraw_reason FROM event WHERE case_id = \(caseID) ORDER BY seq"
        case (nil, let since?):
            "SELECT json, withdraw_reason FROM event WHERE detected_at >= \(since.description) ORDER BY seq"
        case (nil, nil): "SELECT json, withdraw_reason FROM event ORDER BY seq"
        }
        return try await rows(query).map { try Self.event($0, decoder) }
    }

    package func event(id: String) async throws -> CaseEvent? {
        try await rows("SELECT json, withdraw_reason FROM event WHERE id = \(id)").first
            .map { try Self.event($0, JSONDecoder.caseWatch) }
    }

    package func recordedEventIDs(among ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return Set(try await rows("SELECT id FROM event WHERE id = ANY(\(ids))").map { try $0.decode(String.self) })
    }

    package func recentEvents(limit: Int) async throws -> [CaseEvent] {
        let decoder = JSONDecoder.caseWatch
        return try await rows("SELECT json, withdraw_reason FROM event ORDER BY seq DESC LIMIT \(limit)")
            .map { try Self.event($0, decoder) }
    }

    package func events(afterSeq seq: Int64) async throws -> [(seq: Int64, event: CaseEvent)] {
        let decoder = JSONDecoder.caseWatch
        return try await rows("SELECT json, withdraw_reason, seq FROM event WHERE seq > \(seq) ORDER BY seq").map { row in
            let (json, withdrawal, seq) = try row.decode((Data, String?, Int64).self)
            var event = try decoder.decode(CaseEvent.self, from: json)
            event.withdrawal = withdrawal
            return (seq, event)
        }
    }

    package func announcements(forCases ids: [String]) async throws -> [String: CaseAnnouncements] {
        guard !ids.isEmpty else { return [:] }
        let decoder = JSONDecoder.caseWatch
        var events: [String: [CaseEvent]] = [:]
        for row in try await rows("""
            SELECT json, withdraw_reason, case_id FROM event WHERE case_id = ANY(\(ids)) ORDER BY seq
            """) {
            let (json, withdrawal, caseID) = try row.decode((Data, String?, String).self)
            var event = try decoder.decode(CaseEvent.self, from: json)
            event.withdrawal = withdrawal
            events[caseID, default: []].append(event)
        }
        return events.mapValues(CaseAnnouncements.init(events:))
    }

    // MARK: Settings

    package func setting(_ key: String) async throws -> String? {
        try await rows("SELECT value FROM setting WHERE key = \(key)").first?.decode(String.self)
    }

    package func settingOnce(_ key: String, value: String) async throws -> String {
        try await execute("INSERT INTO setting (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO NOTHING")
        return try await setting(key) ?? value
    }

    package func setSetting(_ key: String, _ value: String?) async throws {
        if let value {
            try await execute("""
                INSERT INTO setting (key, value) VALUES (\(key), \(value))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        } else {
            try await execute("DELETE FROM setting WHERE key = \(key)")
        }
    }

    package func settings(withPrefix prefix: String) async throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try await rows("SELECT key, value FROM setting WHERE starts_with(key, \(prefix))") {
            let (key, value) = try row.decode((String, String).self)
            found[key] = value
        }
        return found
    }

    // MARK: Digests

    package func digestState(subscriberID: String, now: Date) async throws -> DigestState {
        try await execute("""
            INSERT INTO digest_state (subscriber_id, last_slot_at, last_event_seq)
            VALUES (\(subscriberID), \(now.timeIntervalSince1970), (SELECT coalesce(max(seq), 0) FROM event))
            ON CONFLICT (subscriber_id) DO NOTHING
            """)
        let row = try await rows("""
            SELECT last_slot_at, last_event_seq FROM digest_state WHERE subscriber_id = \(subscriberID)
            """)[0]
        let (slot, seq) = try row.decode((Double, Int64).self)
        return DigestState(subscriberID: subscriberID, lastSlotAt: Date(timeIntervalSince1970: slot), lastEventSeq: seq)
    }

    package func digestProgress(subscriberID: String) async throws -> DigestState? {
        let found = try await rows("""
            SELECT last_slot_at, last_event_seq FROM digest_state WHERE subscriber_id = \(subscriberID)
            """)
        guard let row = found.first else { return nil }
        let (slot, seq) = try row.decode((Double, Int64).self)
        return DigestState(subscriberID: subscriberID, lastSlotAt: Date(timeIntervalSince1970: slot), lastEventSeq: seq)
    }

    package func advanceDigest(to state: DigestState, delivery: OutboxDraft?, now: Date) async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.execute("""
                UPDATE digest_state SET last_slot_at = \(state.lastSlotAt.timeIntervalSince1970),
                    last_event_seq = \(state.lastEventSeq) WHERE subscriber_id = \(state.subscriberID)
                """, logger: logger)
            if let delivery { try await Self.enqueue([delivery], now: now, on: connection, logger: logger) }
        }
    }
}
