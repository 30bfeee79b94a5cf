import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import PostgresNIO

extension PostgresStateStore {
    package func caseCount() async throws -> Int {
        try await rows("SELECT COUNT(*) FROM case_snapshot").first?.decode(Int.self) ?? 0
    }

    package func seenSnapshots() async throws -> (digests: [String: SnapshotDigest], sources: [String: String]) {
        var digests: [String: SnapshotDigest] = [:]
        var sources: [String: String] = [:]
        for row in try await rows("SELECT id, digest, source FROM case_snapshot") {
            let (id, digest, source) = try row.decode((String, Data, String?).self)
            digests[id] = SnapshotDigest(bytes: Array(digest))
            if let source { sources[id] = source }
        }
        return (digests, sources)
    }

    package func snapshots(ids: [String]) async throws -> [String: LegalCase] {
        guard !ids.isEmpty else { return [:] }
        let decoder = JSONDecoder()
        var cases: [String: LegalCase] = [:]
        for row in try await rows("SELECT id, json FROM case_snapshot WHERE id = ANY(\(ids))") {
            let (id, json) = try row.decode((String, Data).self)
            cases[id] = try decoder.decode(LegalCase.self, from: json)
        }
        return cases
    }

    package func caseIDs(fromSources sources: Set<String>) async throws -> [String: String] {
        guard !sources.isEmpty else { return [:] }
        var ids: [String: String] = [:]
        for row in try await rows("SELECT id, source FROM case_snapshot WHERE source = ANY(\(Array(sources)))") {
            let (id, source) = try row.decode((String, String).self)
            ids[id] = source
        }
        return ids
    }

    package func casesWithReminders(fromSources sources: Set<String>, now: Date, horizon: TimeInterval) async throws
        -> [LegalCase]
    {
        guard !sources.isEmpty else { return [] }
        let start = now.timeIntervalSince1970, end = now.timeIntervalSince1970 + horizon
        let decoder = JSONDecoder()
        return try await rows("""
            SELECT json FROM case_snapshot WHERE source = ANY(\(Array(sources)))
                AND ((hearing_at > \(start) AND hearing_at <= \(end)) OR position('"deadline":' in convert_from(json, 'UTF8')) > 0)
            """).map { try decoder.decode(LegalCase.self, from: try $0.decode(Data.self)) }
    }

    package func listedWebsites(excluding ids: Set<String>) async throws -> Set<String> {
        let decoder = JSONDecoder()
        var websites: Set<String> = []
        for row in try await rows("""
            SELECT id, json FROM case_snapshot
            WHERE convert_from(json, 'UTF8')::jsonb ->> 'type' IN ('undesirable', 'extremist')
            """) {
            let (id, json) = try row.decode((String, Data).self)
            guard !ids.contains(id) else { continue }
            let legalCase = try decoder.decode(LegalCase.self, from: json)
            if legalCase.endangersReaders { websites.formUnion(legalCase.subject.websites) }
        }
        return websites
    }

    package func snapshotSources() async throws -> Set<String> {
        var sources: Set<String> = []
        for row in try await rows("SELECT DISTINCT coalesce(source, '') FROM case_snapshot") {
            sources.insert(try row.decode(String.self))
        }
        return sources
    }

    package func fileSignatures() async throws -> [String: String] {
        var signatures: [String: String] = [:]
        for row in try await rows("SELECT source, signature FROM source_state WHERE signature IS NOT NULL") {
            let (source, signature) = try row.decode((String, String).self)
            signatures[source] = signature
        }
        return signatures
    }

    package func syncedFeeds() async throws -> Set<String> {
        Set(try await rows("SELECT source FROM source_state WHERE signature IS NULL AND fetched_at IS NOT NULL")
            .map { try $0.decode(String.self) })
    }

    package func feedValidators() async throws -> [String: FetchValidators] {
        var validators: [String: FetchValidators] = [:]
        for row in try await rows("SELECT source, etag, last_modified FROM source_state WHERE signature IS NULL") {
            let (source, etag, modified) = try row.decode((String, String?, String?).self)
            validators[source] = FetchValidators(etag: etag, lastModified: modified)
        }
        return validators
    }

    package func hasSynced() async throws -> Bool {
        try await setting("first_sync_at") != nil
    }

    package func casesJSON() async throws -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, row) in try await rows("SELECT json FROM case_snapshot ORDER BY id").enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: try row.decode(Data.self))
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    package func record(_ detection: DetectionRecord) async throws -> (events: [CaseEvent], deliveries: Int) {
        let diff = detection.diff
        let encoder = JSONEncoder.caseWatch
        let events = try diff.events.map { (event: $0, json: try encoder.encode($0)) }
        let priors = try detection.priors.compactMapValues { prior in try prior.map { try encoder.encode($0) } }
        var snapshots: [(row: SnapshotRow, json: Data)] = []
        var writer = JSONWriter(capacity: 4096)
        for row in diff.upserts {
            guard let legalCase = diff.cases[row.id] else { continue }
            writer = JSONWriter(capacity: 4096)
            legalCase.writeCanonicalJSON(into: &writer)
            snapshots.append((row, Data(writer.bytes)))
        }
        let stamp = Timestamp.iso8601(detection.finishedAt)
        let logger = self.logger
        return try await transaction { connection in
            for (row, json) in snapshots {
                try await connection.execute("""
                    INSERT INTO case_snapshot (id, digest, json, recorded_at, source, hearing_at)
                    VALUES (\(row.id), \(Data(row.digest.bytes)), \(json), \(stamp), \(row.source),
                            \(row.hearingAt?.timeIntervalSince1970))
                    ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, json = excluded.json,
                        recorded_at = excluded.recorded_at, source = excluded.source, hearing_at = excluded.hearing_at
                    """, logger: logger)
            }
            for (id, source) in diff.retags {
                try await connection.execute("UPDATE case_snapshot SET source = \(source) WHERE id = \(id)", logger: logger)
            }
            if let readings = detection.readings {
                try await Self.recordSources(readings, stamp: stamp, on: connection, logger: logger)
            }
            if !diff.removals.isEmpty {
                try await connection.execute("DELETE FROM case_snapshot WHERE id = ANY(\(diff.removals))", logger: logger)
            }
            var recorded: [CaseEvent] = []
            for (event, json) in events {
                let hasPrior = detection.priors[event.caseID] != nil
                let inserted = try await connection.rows("""
                    INSERT INTO event (id, type, case_id, occurred_on, detected_at, json, has_prior, prior_json)
                    VALUES (\(event.id), \(event.type.rawValue), \(event.caseID), \(event.occurredOn?.description),
                            \(Timestamp.iso8601(event.detectedAt)), \(json), \(hasPrior), \(priors[event.caseID]))
                    ON CONFLICT (id) DO NOTHING RETURNING seq
                    """, logger: logger)
                if !inserted.isEmpty { recorded.append(event) }
            }
            for (eventID, reason) in detection.withdrawals.sorted(by: { $0.key < $1.key }) {
                _ = try await Self.withdraw(eventID: eventID, reason: reason, now: detection.finishedAt, on: connection,
                                            logger: logger)
            }
            var deliveries = 0
            if let plan = detection.plan {
                let events = recorded
                try await DraftStream.run({ enqueue in try plan(events, enqueue) }) { chunk in
                    try await Self.enqueue(chunk, now: detection.finishedAt, on: connection, logger: logger)
                    deliveries += chunk.count
                }
            }
            try await connection.execute("""
                INSERT INTO setting (key, value) VALUES ('first_sync_at', \(stamp)) ON CONFLICT (key) DO NOTHING
                """, logger: logger)
            try await connection.execute("""
                INSERT INTO cycle (started_at, finished_at, cases, events)
                VALUES (\(Timestamp.iso8601(detection.startedAt)), \(stamp), \(detection.registrySize), \(recorded.count))
                """, logger: logger)
            return (recorded, deliveries)
        }
    }

    static func recordSources(_ readings: SourceReadings, stamp: String, on connection: PostgresConnection,
                              logger: Logger) async throws {
        for (file, signature) in readings.fileSignatures {
            try await connection.execute("""
                INSERT INTO source_state (source, signature, fetched_at) VALUES (\(file), \(signature), \(stamp))
                ON CONFLICT (source) DO UPDATE SET signature = excluded.signature, fetched_at = excluded.fetched_at
                """, logger: logger)
        }
        for (feed, validators) in readings.feedValidators {
            try await connection.execute("""
                INSERT INTO source_state (source, etag, last_modified, fetched_at, last_error)
                VALUES (\(feed), \(validators.etag), \(validators.lastModified), \(stamp), NULL)
                ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                    fetched_at = excluded.fetched_at, last_error = NULL
                """, logger: logger)
        }
        for feed in readings.frozenSources where readings.feedFailures[feed] == nil {
            try await connection.execute("UPDATE source_state SET last_error = NULL WHERE source = \(feed)", logger: logger)
        }
        for (feed, reason) in readings.feedFailures {
            try await connection.execute("""
                INSERT INTO source_state (source, last_error) VALUES (\(feed), \(reason))
                ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error
                """, logger: logger)
        }
    }
}
