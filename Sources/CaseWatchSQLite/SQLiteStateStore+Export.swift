import CaseWatchStore
import Foundation
import GRDB

/// `casewatch migrate` reads the store table by table, in key order, a batch per read transaction (the run lock
/// keeps cycles away meanwhile). Messages are handed out whole, put back together from their shared lines.
extension SQLiteStateStore: StoreExporting {
    package func export(batchSize: Int, _ body: @Sendable (StoreCopy.Batch) async throws -> Void) async throws {
        for table in StoreCopy.tables {
            var offset = 0
            while true {
                let at = offset
                let rows = try await read { db in
                    table.name == "outbox_payload"
                        ? try Self.payloads(db, offset: at, limit: batchSize)
                        : try Row.fetchAll(db, sql: """
                            SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)
                            ORDER BY \(table.key) LIMIT \(batchSize) OFFSET \(at)
                            """).map { row in (0..<row.count).map { Self.value(row[$0] as DatabaseValue) } }
                }
                guard !rows.isEmpty else { break }
                try await body(StoreCopy.Batch(table: table, rows: rows))
                offset += rows.count
            }
        }
    }

    /// A batch of messages, whole: those kept as they are, and those laid out over shared lines.
    private static func payloads(_ db: Database, offset: Int, limit: Int) throws -> [[StoreCopy.Value]] {
        let ids = try Int64.fetchAll(db, sql: """
            SELECT outbox_id FROM outbox_payload UNION SELECT outbox_id FROM outbox_laid_out_payload
            ORDER BY 1 LIMIT \(limit) OFFSET \(offset)
            """)
        return try ids.map { id in
            if let whole = try Data.fetchOne(db, sql: "SELECT payload FROM outbox_payload WHERE outbox_id = ?",
                                             arguments: [id]) {
                return [.integer(id), .blob(Array(whole))]
            }
            let row = try Row.fetchOne(db, sql: "SELECT own, layout FROM outbox_laid_out_payload WHERE outbox_id = ?",
                                       arguments: [id])!
            let own: Data = row[0]
            let payload = try PayloadLayout.join(own: Array(own), layout: row[1]) { linesID in
                try Data.fetchOne(db, sql: "SELECT bytes FROM outbox_lines WHERE id = ?", arguments: [linesID]).map(Array.init)
            }
            return [.integer(id), .blob(payload)]
        }
    }

    private static func value(_ value: DatabaseValue) -> StoreCopy.Value {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob(Array(data))
        }
    }

    /// Rows per copied table (messages counted whole), to verify a copy.
    package func rowCounts() async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for table in StoreCopy.tables {
                let sql = table.name == "outbox_payload"
                    ? "SELECT count(*) FROM (SELECT outbox_id FROM outbox_payload UNION SELECT outbox_id FROM outbox_laid_out_payload)"
                    : "SELECT count(*) FROM \(table.name)"
                counts[table.name] = try Int.fetchOne(db, sql: sql) ?? 0
            }
            return counts
        }
    }
}
