import CaseWatchModel
import CaseWatchStore
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema: named, append-only migrations, each a list of statements, applied in one transaction
/// each under an advisory lock, so that nodes starting together apply each once. Every table the SQLite engine
/// has is here too (the store is the same, whichever engine keeps it).
enum PostgresMigrations {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(name: "v1-casewatch-2", statements: [
            """
            CREATE TABLE case_snapshot (
                id TEXT PRIMARY KEY, digest BYTEA NOT NULL, json BYTEA NOT NULL, recorded_at TEXT NOT NULL,
                source TEXT, hearing_at DOUBLE PRECISION)
            """,
            "CREATE INDEX case_snapshot_by_source ON case_snapshot (source)",
            "CREATE INDEX case_snapshot_by_hearing ON case_snapshot (hearing_at) WHERE hearing_at IS NOT NULL",
            """
            CREATE TABLE event (
                seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, case_id TEXT NOT NULL,
                occurred_on TEXT, detected_at TEXT NOT NULL, json BYTEA NOT NULL,
                has_prior BOOLEAN NOT NULL DEFAULT FALSE, prior_json BYTEA, withdrawn_at TEXT, withdraw_reason TEXT)
            """,
            "CREATE INDEX event_by_case ON event (case_id, seq)",
            """
            CREATE TABLE source_state (
                source TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched_at TEXT, last_error TEXT, signature TEXT)
            """,
            """
            CREATE TABLE cycle (
                id BIGSERIAL PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, cases INTEGER NOT NULL,
                events INTEGER NOT NULL)
            """,
            "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE outbox (
                id BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL, subscriber_id TEXT NOT NULL, channel TEXT NOT NULL,
                generation INTEGER NOT NULL DEFAULT 0, recipient TEXT NOT NULL, message_id TEXT NOT NULL,
                secret_env TEXT, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
                deferrals INTEGER NOT NULL DEFAULT 0, next_attempt_at DOUBLE PRECISION NOT NULL,
                first_due_at DOUBLE PRECISION, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                lease_owner TEXT, lease_until DOUBLE PRECISION,
                UNIQUE (event_id, subscriber_id, channel, generation))
            """,
            "CREATE INDEX outbox_queue ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'retrying')",
            "CREATE INDEX outbox_by_event ON outbox (event_id, generation)",
            "CREATE INDEX outbox_by_subscriber ON outbox (subscriber_id)",
            "CREATE TABLE outbox_payload (outbox_id BIGINT PRIMARY KEY REFERENCES outbox (id), payload BYTEA NOT NULL)",
            """
            CREATE TABLE attempt (
                id BIGSERIAL PRIMARY KEY, outbox_id BIGINT NOT NULL, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL,
                outcome TEXT NOT NULL, code INTEGER, detail TEXT)
            """,
            "CREATE INDEX attempt_by_outbox ON attempt (outbox_id)",
            """
            CREATE TABLE optout (
                channel TEXT NOT NULL, address TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT,
                subscriber_id TEXT, created_at TEXT NOT NULL, PRIMARY KEY (channel, address))
            """,
            """
            CREATE TABLE digest_state (
                subscriber_id TEXT PRIMARY KEY, last_slot_at DOUBLE PRECISION NOT NULL, last_event_seq BIGINT NOT NULL)
            """,
            """
            CREATE TABLE silence (
                id BIGSERIAL PRIMARY KEY, matcher TEXT NOT NULL, value TEXT NOT NULL, starts_at DOUBLE PRECISION NOT NULL,
                ends_at DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL)
            """,
            """
            CREATE TABLE endpoint_health (
                channel TEXT NOT NULL, address TEXT NOT NULL, subscriber_id TEXT, failing_since DOUBLE PRECISION,
                last_failure TEXT, PRIMARY KEY (channel, address))
            """,
            """
            CREATE TABLE node (
                id TEXT PRIMARY KEY, started_at TEXT NOT NULL, seen_at DOUBLE PRECISION NOT NULL, config_digest TEXT)
            """,
            """
            CREATE TABLE leadership (
                role TEXT PRIMARY KEY, node TEXT NOT NULL, until DOUBLE PRECISION NOT NULL, config_digest TEXT)
            """,
        ]),
        // Per-endpoint rates, held by every node together: each throttled key's next free slot (see `Throttle`).
        Migration(name: "v2-throttle-slots", statements: [
            "CREATE TABLE throttle_slot (key TEXT PRIMARY KEY, next_free_at DOUBLE PRECISION NOT NULL)",
        ]),
        // `channels:` after queueing: the entries stranded on a disabled endpoint whose alert has moved on to the
        // subscriber's next channel, each once.
        Migration(name: "v3-channel-fallback", statements: [
            "CREATE TABLE outbox_fallback (outbox_id BIGINT PRIMARY KEY, generation INTEGER, created_at TEXT NOT NULL)",
        ]),
        // Telegram's progress between processes and nodes: split entries' messages sent, chats moved to a new id.
        Migration(name: "v4-telegram-progress", statements: [
            """
            CREATE TABLE telegram_split (
                message_id TEXT PRIMARY KEY, parts_sent INTEGER NOT NULL, parts INTEGER NOT NULL, updated_at TEXT NOT NULL)
            """,
            """
            CREATE TABLE telegram_chat_migration (
                chat_id TEXT PRIMARY KEY, migrated_to TEXT NOT NULL, created_at TEXT NOT NULL)
            """,
        ]),
    ]

    /// Applies the migrations this database lacks, under an advisory lock held by one connection.
    static func apply(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(727274)", logger: logger)
            do {
                try await connection.execute("""
                    CREATE TABLE IF NOT EXISTS casewatch_migration (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)
                    """, logger: logger)
                var applied: Set<String> = []
                for row in try await connection.rows("SELECT name FROM casewatch_migration", logger: logger) {
                    applied.insert(try row.decode(String.self))
                }
                let known = Set(all.map(\.name))
                if let unknown = applied.subtracting(known).sorted().first {
                    throw StoreError(.newerSchema, "the database was last used by a newer CaseWatch (migration \(unknown) "
                        + "is unknown to this version); run that version")
                }
                for migration in all where !applied.contains(migration.name) {
                    try await connection.withTransaction(logger: logger) { transaction in
                        for statement in migration.statements {
                            try await transaction.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        let stamp = Timestamp.iso8601(Date())
                        try await transaction.execute(
                            "INSERT INTO casewatch_migration (name, applied_at) VALUES (\(migration.name), \(stamp))",
                            logger: logger)
                    }
                }
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(727274)", logger: logger)
                throw error
            }
            try await connection.execute("SELECT pg_advisory_unlock(727274)", logger: logger)
        }
    }
}
