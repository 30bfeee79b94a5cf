import CaseWatchModel
import CaseWatchStore
import Foundation
import NIOCore
import PostgresNIO

/// `casewatch migrate` writes a SQLite store's rows here, each value converted to its column's type (SQLite keeps
/// booleans as integers and lets a column hold any type).
extension PostgresStateStore: StoreImporting {
    package func tablesWithRows() async throws -> [String] {
        var found: [String] = []
        for table in StoreCopy.tables.map(\.name) + ["node"] {
            let rows = try await rows(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) LIMIT 1"))
            if !rows.isEmpty { found.append(table) }
        }
        return found
    }

    package func importBatch(_ batch: StoreCopy.Batch) async throws {
        let types = try await columnTypes(batch.table.name)
        let columns = batch.table.columns
        // A few hundred rows per statement keeps within the protocol's 65,535 parameters.
        let perStatement = max(1, 4_000 / columns.count)
        var start = 0
        while start < batch.rows.count {
            let rows = batch.rows[start..<min(batch.rows.count, start + perStatement)]
            var binds = PostgresBindings()
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (column, value) in zip(columns, row) {
                    try Self.bind(value, as: types[column] ?? "text", column: "\(batch.table.name).\(column)", into: &binds)
                    placeholders.append("$\(binds.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try await execute(PostgresQuery(unsafeSQL: """
                INSERT INTO \(batch.table.name) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))
                """, binds: binds))
            start += rows.count
        }
    }

    package func finishImport() async throws {
        for table in StoreCopy.tables where table.serial {
            try await execute(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table.name)', '\(table.key)'),
                              COALESCE((SELECT max(\(table.key)) FROM \(table.name)), 0) + 1, false)
                """))
        }
    }

    package func rowCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in StoreCopy.tables {
            let count = try await rows(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table.name)"))
                .first?.decode(Int64.self) ?? 0
            counts[table.name] = Int(count)
        }
        return counts
    }

    package func discardImport() async throws {
        let names = StoreCopy.tables.map(\.name).joined(separator: ", ")
        try await execute(PostgresQuery(unsafeSQL: "TRUNCATE \(names) RESTART IDENTITY"))
    }

    private func columnTypes(_ table: String) async throws -> [String: String] {
        var types: [String: String] = [:]
        for row in try await rows("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table)
            """) {
            let (name, type) = try row.decode((String, String).self)
            types[name] = type
        }
        return types
    }

    private static func bind(_ value: StoreCopy.Value, as type: String, column: String,
                             into binds: inout PostgresBindings) throws {
        func mismatch() -> StoreError {
            StoreError(.failed, "\(column): a value of the SQLite store does not fit the column's type (\(type))")
        }
        switch (value, type) {
        case (.null, _): binds.appendNull()
        case (.integer(let integer), "boolean"): binds.append(integer != 0)
        case (.integer(let integer), "bigint"): binds.append(integer)
        case (.real(let real), "bigint"): binds.append(Int64(real))
        case (.integer(let integer), "integer"): binds.append(Int32(clamping: integer))
        case (.real(let real), "integer"): binds.append(Int32(real))
        case (.integer(let integer), "double precision"): binds.append(Double(integer))
        case (.real(let real), "double precision"): binds.append(real)
        case (.blob(let bytes), "bytea"): binds.append(ByteBuffer(bytes: bytes))
        case (.text(let text), "bytea"): binds.append(ByteBuffer(string: text))
        case (.text(let text), "text"): binds.append(text)
        case (.integer(let integer), "text"): binds.append(String(integer))
        case (.real(let real), "text"): binds.append(String(real))
        case (.blob(let bytes), "text"): binds.append(String(decoding: bytes, as: UTF8.self))
        default: throw mismatch()
        }
    }
}
