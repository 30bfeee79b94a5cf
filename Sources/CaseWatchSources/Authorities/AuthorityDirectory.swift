import CaseWatchModel
import Foundation
import InputFormats

/// The gazetteer's folder (`authorities: authorities/`): `*.yaml` files, each a list of authorities.
package struct AuthorityDirectory: Sendable {
    package let displayPath: String
    package let url: URL
    /// Whether the configuration names the folder itself: a folder it names must exist; the default one may not.
    package let required: Bool

    package init(displayPath: String, url: URL, required: Bool) {
        self.displayPath = displayPath
        self.url = url
        self.required = required
    }

    package init(configuration: Configuration) {
        self.init(displayPath: configuration.authoritiesPath, url: configuration.resolve(configuration.authoritiesPath),
                  required: configuration.authoritiesConfigured)
    }

    /// Loads every authority; problems are collected so one run reports all of them.
    package func load() -> (Gazetteer, [InputProblem]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            guard required else { return (.empty, []) }
            return (.empty, [InputProblem(file: displayPath, line: nil, field: "authorities",
                                          message: "the authorities folder does not exist")])
        }
        let folder = RegistryFolder(displayPath: displayPath, url: url, formats: [RecordFormats.yaml])
        let files: [(display: String, url: URL, format: any RecordFormat)]
        do throws(InputError) {
            files = try folder.files()
        } catch {
            return (.empty, error.problems)
        }
        var problems: [InputProblem] = []
        var authorities: [Authority] = []
        var origins: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.url.path),
                  let text = String(data: data, encoding: .utf8)
            else {
                problems.append(InputProblem(file: file.display, line: nil, field: nil, message: "cannot read as UTF-8 text"))
                continue
            }
            let root: SourceNode
            do {
                root = try SourceNode.parseYAML(text, file: file.display)
            } catch {
                problems += error.problems
                continue
            }
            let log = ProblemLog(file: file.display)
            let items: [SourceNode] = if case .list(let items, _) = root { items } else { [root] }
            for (index, item) in items.enumerated() {
                guard let authority = Self.decode(item, path: "[\(index)]", log: log) else { continue }
                if let first = origins[authority.id] {
                    log.error("\"\(authority.id)\" is already used by \(first)", field: "[\(index)].id", line: item.line)
                    continue
                }
                origins[authority.id] = "\(file.display):\(item.line ?? 0)"
                authorities.append(authority)
            }
            problems += log.problems
        }
        return (Gazetteer(authorities), problems)
    }

    static func decode(_ node: SourceNode, path: String, log: ProblemLog) -> Authority? {
        guard var fields = MapReader(node, path: path, log: log) else { return nil }
        defer { fields.finish() }
        let before = log.errorCount
        let id = fields.string("id", required: true)
        if let id, !CaseDecoder.isSlug(id) {
            log.error("\"\(id)\" is not a slug", field: fields.fieldPath("id"), line: fields.node("id")?.line)
        }
        let kind = fields.value("kind", as: Authority.Kind.self, required: true, noun: "a kind of authority")
        let level = fields.value("level", as: Authority.Level.self, noun: "a level")
        let country = fields.string("country", required: true)
        if let country, !CountryCodes.isAssigned(country) {
            log.error("\"\(country)\" is not an ISO 3166-1 alpha-2 country code", field: fields.fieldPath("country"),
                      line: fields.node("country")?.line)
        }
        let timezone = fields.string("timezone", required: true)
        if let timezone, TimeZone(identifier: timezone) == nil {
            log.error("\"\(timezone)\" is not a time zone of the tz database (such as Europe/Moscow)",
                      field: fields.fieldPath("timezone"), line: fields.node("timezone")?.line)
        }
        var names: [String: String] = [:]
        if var nameFields = fields.map("name", required: true) {
            for language in Language.allCases {
                guard let name = nameFields.string(language.rawValue, required: language == .en) else {
                    if language != .en {
                        log.warning("no \(language.rawValue) name: \(language.rawValue) alerts show the English one",
                                    field: nameFields.fieldPath(language.rawValue), line: nameFields.line)
                    }
                    continue
                }
                if name.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                    log.error("must be on one line", field: nameFields.fieldPath(language.rawValue),
                              line: nameFields.node(language.rawValue)?.line)
                }
                names[language.rawValue] = name
            }
            nameFields.finish()
        }
        guard log.errorCount == before, let id, let kind, let country, let timezone, names["en"] != nil else { return nil }
        return Authority(id: id, kind: kind, level: level, country: country, timezone: timezone, name: names)
    }
}
