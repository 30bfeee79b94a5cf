import CaseWatchModel
import InputFormats

extension Configuration.Registry {
    /// A registry source that reads an official list (`registry.sources: - import: …`): which list, where from, and
    /// in which format.
    package struct ListImport: Sendable, Equatable {
        package enum List: Sendable, Equatable {
            case minjustUndesirable
            case minjustForeignAgents
            case table(TableMapping)

            package var name: String {
                switch self {
                case .minjustUndesirable: "minjust-undesirable"
                case .minjustForeignAgents: "minjust-foreign-agents"
                case .table: "table"
                }
            }
        }

        package enum Location: Sendable, Equatable {
            case path(String)
            case url(String)

            package var text: String {
                switch self {
                case .path(let path): path
                case .url(let url): url
                }
            }
        }

        package enum Format: String, Sendable, Equatable, CaseIterable {
            case xlsx, json, csv
            /// The Ministry of Justice's registry service (`url:` up to `…/rest/registry/<id>`), read page by page.
            case registry
        }

        package var list: List
        package var location: Location
        /// `format:`, else from the file name's extension (`.xlsx`, `.csv`, else JSON).
        package var format: Format

        package init(list: List, location: Location, format: Format) {
            self.list = list
            self.location = location
            self.format = format
        }
    }

    /// Reads an `import:` source entry; nil (with the problems logged) when it is wrong.
    static func readImport(_ name: String, from source: inout MapReader, line: Int?) -> ListImport? {
        let log = source.log
        let path = source.string("path"), url = source.string("url")
        let location: ListImport.Location
        switch (path, url) {
        case (let path?, nil): location = .path(path)
        case (nil, let url?) where url.hasPrefix("https://") || url.hasPrefix("http://"): location = .url(url)
        case (nil, let url?):
            log.error("\"\(url)\" is not an http(s) address", field: source.fieldPath("url"), line: line)
            return nil
        default:
            log.error("give exactly one of path or url", field: source.path, line: line)
            return nil
        }
        let format: ListImport.Format
        if let named = source.string("format") {
            guard let known = ListImport.Format(rawValue: named) else {
                log.error("\"\(named)\" is not a format (xlsx, json, csv, registry)", field: source.fieldPath("format"),
                          line: line)
                return nil
            }
            if known == .registry, case .path = location {
                log.error("format: registry reads the registry service: give its url", field: source.fieldPath("format"),
                          line: line)
                return nil
            }
            format = known
        } else {
            let lowered = location.text.lowercased().split(separator: "?").first.map(String.init) ?? ""
            format = lowered.hasSuffix(".xlsx") ? .xlsx : lowered.hasSuffix(".csv") ? .csv : .json
        }
        let list: ListImport.List
        switch name {
        case "minjust-undesirable": list = .minjustUndesirable
        case "minjust-foreign-agents": list = .minjustForeignAgents
        case "table":
            guard var mapping = source.map("mapping", required: true),
                  let table = readMapping(&mapping, file: source.log)
            else { return nil }
            list = .table(table)
        default:
            log.error("\"\(name)\" is not an importer (minjust-undesirable, minjust-foreign-agents, table)",
                      field: source.fieldPath("import"), line: line)
            return nil
        }
        return ListImport(list: list, location: location, format: format)
    }

    /// `mapping: {id: "fa-{register}-{included}", name: {ru: COLUMN, en: COLUMN}, type: TYPE, kind: KIND,
    /// steps: [{column: COLUMN, status: STATUS}]}`.
    private static func readMapping(_ mapping: inout MapReader, file log: ProblemLog) -> TableMapping? {
        guard let id = mapping.string("id", required: true),
              let type = mapping.value("type", as: CaseType.self, required: true, noun: "a case type")
        else { return nil }
        var names = mapping.map("name", required: true)
        let nameRU = names?.string("ru"), nameEN = names?.string("en")
        names?.finish()
        let kind = mapping.value("kind", as: SubjectKind.self, noun: "a subject kind") ?? .organisation
        var steps: [TableMapping.Step] = []
        for (index, item) in (mapping.list("steps", required: true) ?? []).enumerated() {
            guard var step = MapReader(item, path: mapping.fieldPath("steps[\(index)]"), log: log) else { continue }
            if let column = step.string("column", required: true),
               let status = step.value("status", as: CaseStatus.self, required: true, noun: "a status")
            {
                steps.append(TableMapping.Step(column: column, status: status))
            }
            step.finish()
        }
        mapping.finish()
        let table = TableMapping(id: id, nameRU: nameRU, nameEN: nameEN, type: type, steps: steps, kind: kind)
        for problem in table.problems(source: mapping.path) {
            log.error(problem.message, field: problem.field ?? mapping.path, line: nil)
        }
        return table.problems(source: mapping.path).isEmpty ? table : nil
    }
}
