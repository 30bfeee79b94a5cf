import CaseWatchModel
import Foundation
import InputFormats

/// How each importer reads its list's format, and the registry service's pages as rows of the same layout.
extension RegistryImport {
    /// The list's entries, as its importer reads its format.
    func parse(_ data: Data) throws -> ListParse {
        guard !data.isEmpty else { throw Failure.unreadable("the list is empty") }
        switch (list.list, list.format) {
        case (.minjustUndesirable, .xlsx):
            return try MinjustUndesirable.entries(rows: try Self.sheet(data, named: "Лист 1"), source: name)
        case (.minjustForeignAgents, .json):
            return MinjustForeignAgents.entries(registryValues: try JSONSource.parse(data), source: name)
        case (.minjustForeignAgents, .csv):
            return try MinjustForeignAgents.entries(mirrorCSV: Self.csv(data).map(\.fields), source: name)
        case (.table(let mapping), .csv):
            let rows = Self.csv(data)
            guard let header = rows.first?.fields else { throw Failure.unreadable("the table has no header row") }
            let records = rows.dropFirst().map { row in
                Dictionary(zip(header, row.fields), uniquingKeysWith: { first, _ in first })
            }
            return try TableImport.entries(rows: Array(records), mapping: mapping, name: name)
        case (.table(let mapping), .xlsx):
            let workbook = try XLSXWorkbook(data: data)
            guard let first = workbook.sheetNames.first else { throw Failure.unreadable("the workbook has no sheet") }
            let rows = try Self.sheet(data, named: first, workbook: workbook)
            guard let header = rows.first else { throw Failure.unreadable("the table has no header row") }
            let records = rows.dropFirst().filter { $0.contains { $0 != nil } }.map { row in
                Dictionary(zip(header.map { $0 ?? "" }, row.map { $0 ?? "" }), uniquingKeysWith: { first, _ in first })
            }
            return try TableImport.entries(rows: Array(records), mapping: mapping, name: name)
        case (.table(let mapping), .json):
            guard case .list(let items, _) = try JSONSource.parse(data) else {
                throw Failure.unreadable("the table is not a JSON array of objects")
            }
            let records = items.map { item -> [String: String] in
                guard case .map(let fields, _) = item else { return [:] }
                var record: [String: String] = [:]
                for (key, value) in fields { if case .scalar(let text, _) = value { record[key] = text } }
                return record
            }
            return try TableImport.entries(rows: records, mapping: mapping, name: name)
        case (_, .registry):
            throw Failure.unreadable("the registry service is read from its url")
        case (.table, _):
            throw Failure.unreadable("a table is read from csv, xlsx or json")
        case (.minjustUndesirable, let format), (.minjustForeignAgents, let format):
            throw Failure.unreadable("\(list.list.name) is not read from \(format.rawValue) yet "
                + "(minjust-undesirable: xlsx; minjust-foreign-agents: json or csv)")
        }
    }

    /// A list from the Ministry's registry service, all its pages. The undesirable list's columns are those of its
    /// XLSX, so its entries are read through the same layout check: the visible columns' titles as the header row
    /// and `lastModified` as the as-of line.
    func readService() throws -> ListParse {
        let listing = try RegistryService(base: list.location.text, timeout: timeout, caFile: caFile, network: network).fetch()
        switch list.list {
        case .minjustForeignAgents:
            var parsed = MinjustForeignAgents.entries(registryValues: listing.values, source: name)
            parsed.asOf = listing.asOf ?? parsed.asOf
            return parsed
        case .minjustUndesirable:
            let visible = listing.columns.filter { !$0.hidden }
            guard let asOf = listing.asOf else {
                throw Failure.unreadable("the registry service gave no lastModified date for the list")
            }
            let day = String(format: "%02d.%02d.%04d", asOf.day, asOf.month, asOf.year)
            let rows: [[String?]] = [["Перечень"], ["По состоянию на \(day) 00:00"], visible.map(\.title)]
                + listing.values.map { item in visible.map { item[$0.name] ?? nil } }
            return try MinjustUndesirable.entries(rows: rows, source: name)
        case .table:
            throw Failure.unreadable("a table is read from csv, xlsx or json, not from the registry service")
        }
    }

    /// A sheet's rows as text cells, row 1 first (a row the sheet leaves out is empty), so that row numbers hold.
    static func sheet(_ data: Data, named name: String, workbook: XLSXWorkbook? = nil) throws -> [[String?]] {
        let workbook = try workbook ?? XLSXWorkbook(data: data)
        let sheet = workbook.sheetNames.contains(name) ? name : workbook.sheetNames.first ?? name
        var rows: [[String?]] = []
        for row in try workbook.rows(sheet: sheet) {
            while rows.count < row.number - 1 { rows.append([]) }
            rows.append(row.cells)
        }
        return rows
    }

    static func csv(_ data: Data) -> [(line: Int, fields: [String])] {
        CSVTable.parse(String(decoding: data, as: UTF8.self))
    }
}
