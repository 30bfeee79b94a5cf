import Foundation
import CaseWatchModel
import InputFormats

/// The translated vocabulary of one language (`templates/labels/<lang>.yaml`): statuses, outcomes, case
/// types, field names, month names and the "what it means next" sentences.
///
/// Kept beside the templates so that translators edit one folder.
package struct Labels: Sendable {
    var statuses: [String: String] = [:]
    var outcomes: [String: String] = [:]
    var types: [String: String] = [:]
    var subjectKinds: [String: String] = [:]
    var fields: [String: String] = [:]
    var months: [String] = []
    var dateFormat = "{day} {month} {year}"
    /// How the first day of a month is written, where it differs (French: `1er`).
    var firstDay: String?
    var nextSteps: [String: String] = [:]

    func status(_ status: CaseStatus?) -> String? { status.map { statuses[$0.rawValue] ?? $0.rawValue } }
    func outcome(_ outcome: Outcome?) -> String? { outcome.map { outcomes[$0.rawValue] ?? $0.rawValue } }
    func type(_ type: CaseType) -> String { types[type.rawValue] ?? type.rawValue }
    func field(_ name: String) -> String { fields[name] ?? name.replacingOccurrences(of: "_", with: " ") }

    /// `25 January 2023`, `25 января 2023 г.`, `25 janvier 2023`.
    func date(_ date: CalendarDate?) -> String? {
        guard let date else { return nil }
        let month = months.count == 12 ? months[date.month - 1] : String(date.month)
        let day = date.day == 1 ? firstDay ?? "1" : String(date.day)
        return dateFormat.replacingOccurrences(of: "{day}", with: day)
            .replacingOccurrences(of: "{month}", with: month)
            .replacingOccurrences(of: "{year}", with: String(date.year))
    }

    static func load(file: String, url: URL) -> (Labels?, [InputProblem]) {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else { return (nil, [InputProblem(file: file, line: nil, field: nil, message: "cannot read")]) }
        let root: SourceNode
        do {
            root = try SourceNode.parseYAML(text, file: file)
        } catch {
            return (nil, error.problems)
        }
        let log = ProblemLog(file: file)
        guard var fields = MapReader(root, path: "", log: log) else { return (nil, log.problems) }
        var labels = Labels()
        labels.statuses = strings(&fields, "statuses")
        labels.outcomes = strings(&fields, "outcomes")
        labels.types = strings(&fields, "types")
        labels.subjectKinds = strings(&fields, "subject_kinds")
        labels.fields = strings(&fields, "fields")
        labels.nextSteps = strings(&fields, "next_steps")
        labels.months = fields.stringList("months") ?? []
        if !labels.months.isEmpty, labels.months.count != 12 {
            log.error("expected 12 month names, found \(labels.months.count)", field: "months", line: fields.node("months")?.line)
        }
        labels.dateFormat = fields.string("date_format") ?? labels.dateFormat
        labels.firstDay = fields.string("first_day")
        fields.finish()
        for status in CaseStatus.allCases where labels.statuses[status.rawValue] == nil {
            log.warning("no label for \(status.rawValue); the raw name is shown", field: "statuses", line: nil)
        }
        return (log.hasErrors ? nil : labels, log.problems)
    }

    private static func strings(_ fields: inout MapReader, _ key: String) -> [String: String] {
        guard var map = fields.map(key) else { return [:] }
        var values: [String: String] = [:]
        for name in map.keys {
            if let value = map.string(name) { values[name] = value }
        }
        return values
    }
}
