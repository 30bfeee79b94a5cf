import CaseWatchModel
import Curl
import Foundation
import InputFormats

/// An official list read as a registry source (`registry.sources: - import: …`): the Ministry of Justice's list
/// of undesirable organisations (its XLSX), its register of foreign agents (the registry JSON or a mirror's CSV),
/// or any table with a `mapping:`. Each entry becomes a case (``ListEntry/legalCase(tag:source:)``).
///
/// Someone else's source: a list that cannot be read, or whose layout changed, fails the source and its cases stay
/// as last seen. A list is compared by a hash of its entries' normalised rows, never of its bytes (the Ministry
/// rebuilds the file on every request): an unchanged list is not taken in again.
package struct RegistryImport: RegistrySource {
    package let name: String
    package let list: Configuration.Registry.ListImport
    /// Where a `path:` list is on disk.
    package let file: URL?
    package var timeout: TimeInterval = 60
    static let sizeLimit = 64 * 1_048_576

    package init(name: String, list: Configuration.Registry.ListImport, file: URL?) {
        self.name = name
        self.list = list
        self.file = file
    }

    package var isRemote: Bool { true }
    package func owns(_ recordedSource: String) -> Bool { recordedSource == name }

    package func read(into load: inout RegistryLoad, memory: SourceMemory) {
        let parsed: ListParse
        do {
            parsed = list.format == .registry ? try readService() : try parse(try fetch())
        } catch {
            load.frozenSources.insert(name)
            load.feedFailures[name] = "\(error)"
            return
        }
        let errors = parsed.problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            load.frozenSources.insert(name)
            let shown = errors.prefix(3).map(\.description).joined(separator: "; ")
            load.feedFailures[name] = "\(errors.count) problem(s) in the list: \(shown)"
            return
        }
        let cases = parsed.entries.map { (entry: $0, legalCase: $0.legalCase(tag: nil, source: list.location.text)) }
        for (entry, legalCase) in cases { load.claimable[entry.claim] = legalCase }
        let digest = "rows:" + RowDigest.sha256Hex(parsed.entries.map(\.canonicalRow).sorted().joined(separator: "\n"))
        if memory.validators[name]?.etag == digest {
            load.frozenSources.insert(name)
            return
        }
        var own = RegistryLoad()
        for (entry, legalCase) in cases { own.add(legalCase, file: name, line: entry.row) }
        let clashes = own.cases.keys.filter { load.cases[$0] != nil }.sorted()
        if let first = clashes.first {
            load.frozenSources.insert(name)
            load.feedFailures[name] = "\(clashes.count) case id(s) already used by another source, such as \"\(first)\""
            return
        }
        load.merge(own)
        for (entry, legalCase) in cases { load.rowDigests[legalCase.id] = entry.rowDigest }
        load.feedValidators[name] = FetchValidators(etag: digest, lastModified: nil)
        load.lists[name] = parsed.asOf
        load.listSizes[name] = parsed.entries.count
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        var description: String {
            switch self { case .unreadable(let why): why }
        }
    }

    /// The list's bytes, from its file or its address.
    func fetch() throws -> Data {
        if let file {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw Failure.unreadable("cannot read \(list.location.text)")
            }
            return data
        }
        let response = try EasyHandle().perform(HTTPRequest(
            method: .get, url: list.location.text, headers: [], connectTimeout: min(timeout, 10), timeout: timeout,
            responseLimit: Self.sizeLimit))
        guard response.status == 200 else { throw Failure.unreadable("HTTP \(response.status)") }
        guard !response.truncated else { throw Failure.unreadable("the list is larger than 64 MiB") }
        return Data(response.body)
    }

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
        let listing = try RegistryService(base: list.location.text, timeout: timeout).fetch()
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
