import CaseWatchModel
import Foundation
import InputFormats

/// Cases as CSV rows under a header (`id, kind, name_en, name_ru, name_fr, country, type, status, status_date, …`;
/// lists such as `sources` separated by `;`), each row read into the same tree a YAML case makes, so one decoder
/// checks both.
package struct CSVRecords: RecordFormat {
    /// The gazetteer's ids, to check the references cases make.
    package var authorityIDs: Set<String>

    package init(authorityIDs: Set<String> = []) {
        self.authorityIDs = authorityIDs
    }

    package var name: String { "CSV" }

    package func reads(fileName: String) -> Bool { fileName.lowercased().hasSuffix(".csv") }

    package func reads(contentType: String) -> Bool { contentType.lowercased().contains("csv") }

    package var fileSizeLimit: Int { InputLimits.listBody }

    package func decode(_ data: Data, display: String, into load: inout RegistryLoad) {
        guard let text = String(data: data, encoding: .utf8) else {
            load.problems.append(InputProblem(file: display, line: nil, field: nil, message: "not UTF-8 text"))
            return
        }
        let (nodes, problems) = CSVCases.nodes(text, file: display)
        load.problems += problems
        if nodes.isEmpty {
            load.problems.append(InputProblem(file: display, line: nil, field: nil, message: "no case rows under the header"))
        }
        let log = ProblemLog(file: display)
        for node in nodes {
            if let legalCase = CaseDecoder(log: log, authorityIDs: authorityIDs).decode(node) { load.add(legalCase, file: display, line: node.line) }
        }
        load.problems += log.problems
    }
}

/// A CSV registry feed: one case per row, under a header row naming the columns.
///
/// Columns: `id, kind, name_en, name_ru, name_fr, country, type, status, outcome, claimant, court,
/// case_number, hearing_date, hearing_time, hearing_court, status_date, sources, tags`; `sources` and
/// `tags` hold several values separated by spaces or `;`; `status_date` becomes the one history entry.
/// Each row becomes the same tree a YAML case file gives, so one decoder validates both.
enum CSVCases {
    static func nodes(_ text: String, file: String) -> ([SourceNode], [InputProblem]) {
        let rows = CSVTable.parse(text)
        guard let header = rows.first else { return ([], []) }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [InputProblem] = []
        var nodes: [SourceNode] = []
        for row in rows.dropFirst() {
            guard row.fields.count == columns.count else {
                problems.append(InputProblem(file: file, line: row.line, field: nil,
                                             message: "\(row.fields.count) fields, the header has \(columns.count)"))
                continue
            }
            var value: [String: String] = [:]
            for (column, field) in zip(columns, row.fields) where !field.isEmpty { value[column] = field }
            nodes.append(node(value, line: row.line))
        }
        return (nodes, problems)
    }

    private static func node(_ value: [String: String], line: Int) -> SourceNode {
        func scalar(_ key: String) -> SourceNode? { value[key].map { .scalar($0, line: line) } }
        func list(_ key: String) -> SourceNode? {
            value[key].map { text in
                .list(text.split(whereSeparator: { $0 == ";" || $0.isWhitespace }).map { .scalar(String($0), line: line) },
                      line: line)
            }
        }
        var entries: [(key: String, value: SourceNode)] = []
        func add(_ key: String, _ node: SourceNode?) { if let node { entries.append((key, node)) } }
        add("id", scalar("id"))
        let names: [(key: String, value: SourceNode)] = ["en", "ru", "fr"].compactMap { language in
            scalar("name_\(language)").map { (language, $0) }
        }
        add("subject", .map([("kind", scalar("kind") ?? .null(line: line)), ("name", .map(names, line: line))], line: line))
        for key in ["country", "type", "status", "outcome", "claimant", "court", "case_number"] { add(key, scalar(key)) }
        if let date = scalar("hearing_date") {
            var hearing: [(key: String, value: SourceNode)] = [("date", date)]
            if let time = scalar("hearing_time") { hearing.append(("time", time)) }
            if let court = scalar("hearing_court") { hearing.append(("court", court)) }
            add("next_hearing", .map(hearing, line: line))
        }
        if let date = scalar("status_date"), let status = scalar("status") {
            add("history", .list([.map([("date", date), ("status", status)], line: line)], line: line))
        }
        add("sources", list("sources"))
        add("tags", list("tags"))
        let known: Set<String> = [
            "id", "kind", "name_en", "name_ru", "name_fr", "country", "type", "status", "outcome", "claimant", "court",
            "case_number", "hearing_date", "hearing_time", "hearing_court", "status_date", "sources", "tags",
        ]
        for key in value.keys.sorted() where !known.contains(key) { add(key, scalar(key)) }
        return .map(entries, line: line)
    }
}
