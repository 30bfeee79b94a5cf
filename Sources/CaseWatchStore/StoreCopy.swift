import Foundation

/// What `casewatch migrate` carries from one engine to the other: every table of the store, by the columns both
/// engines share. A table added to the store is added here, to both engines' schemas and to the conformance suite,
/// so that migrate never leaves it behind.
package enum StoreCopy {
    package struct Table: Sendable {
        package var name: String
        package var columns: [String]
        /// The column whose order the rows are read in (the key), and a serial column's sequence to move past the
        /// copied rows.
        package var key: String
        package var serial: Bool
    }

    package static let tables: [Table] = [
        Table(name: "case_snapshot", columns: ["id", "digest", "json", "recorded_at", "source", "hearing_at"],
              key: "id", serial: false),
        Table(name: "event", columns: ["seq", "id", "type", "case_id", "occurred_on", "detected_at", "json", "has_prior",
                                       "prior_json", "withdrawn_at", "withdraw_reason"], key: "seq", serial: true),
        Table(name: "source_state", columns: ["source", "etag", "last_modified", "fetched_at", "last_error", "signature"],
              key: "source", serial: false),
        Table(name: "cycle", columns: ["id", "started_at", "finished_at", "cases", "events"], key: "id", serial: true),
        Table(name: "setting", columns: ["key", "value"], key: "key", serial: false),
        Table(name: "outbox", columns: ["id", "event_id", "subscriber_id", "channel", "generation", "recipient",
                                        "message_id", "secret_env", "state", "attempts", "deferrals", "next_attempt_at",
                                        "first_due_at", "last_error", "created_at", "updated_at"], key: "id", serial: true),
        // Each entry's message whole, however the engine keeps it (SQLite shares repeated lines between messages).
        Table(name: "outbox_payload", columns: ["outbox_id", "payload"], key: "outbox_id", serial: false),
        Table(name: "attempt", columns: ["id", "outbox_id", "started_at", "duration_ms", "outcome", "code", "detail"],
              key: "id", serial: true),
        Table(name: "optout", columns: ["channel", "address", "kind", "reason", "detail", "subscriber_id", "created_at"],
              key: "channel, address", serial: false),
        Table(name: "digest_state", columns: ["subscriber_id", "last_slot_at", "last_event_seq"], key: "subscriber_id",
              serial: false),
        Table(name: "silence", columns: ["id", "matcher", "value", "starts_at", "ends_at", "reason", "created_at"],
              key: "id", serial: true),
        Table(name: "endpoint_health", columns: ["channel", "address", "subscriber_id", "failing_since", "last_failure"],
              key: "channel, address", serial: false),
        Table(name: "throttle_slot", columns: ["key", "next_free_at"], key: "key", serial: false),
        Table(name: "outbox_fallback", columns: ["outbox_id", "generation", "created_at"], key: "outbox_id",
              serial: false),
        Table(name: "telegram_split", columns: ["message_id", "parts_sent", "parts", "updated_at"], key: "message_id",
              serial: false),
        Table(name: "telegram_chat_migration", columns: ["chat_id", "migrated_to", "created_at"], key: "chat_id",
              serial: false),
    ]

    /// One stored value, as either engine gives it.
    package enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
    }

    /// Rows of one table, in `Table.columns` order.
    package struct Batch: Sendable {
        package var table: Table
        package var rows: [[Value]]

        package init(table: Table, rows: [[Value]]) {
            self.table = table
            self.rows = rows
        }
    }
}

/// A store `casewatch migrate` reads from.
package protocol StoreExporting: Sendable {
    /// Hands every table's rows to `body`, a batch at a time, tables in ``StoreCopy/tables`` order.
    func export(batchSize: Int, _ body: @Sendable (StoreCopy.Batch) async throws -> Void) async throws
}

/// A store `casewatch migrate` writes into.
package protocol StoreImporting: Sendable {
    /// The tables that already hold rows (migrate copies into an empty store only).
    func tablesWithRows() async throws -> [String]
    func importBatch(_ batch: StoreCopy.Batch) async throws
    /// After the last batch: serial columns continue after the copied rows.
    func finishImport() async throws
    /// Rows per table, to verify the copy.
    func rowCounts() async throws -> [String: Int]
    /// Empties the copied tables again after a copy that failed (the store was empty before it).
    func discardImport() async throws
}
