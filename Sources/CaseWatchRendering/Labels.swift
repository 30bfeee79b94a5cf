import CaseWatchModel
import Foundation
import InputFormats
import Mustache

/// The translated vocabulary of one language (`templates/labels/<lang>.yaml`): statuses, outcomes, case types,
/// countries, measures and sentences, field names, dates, and the sentences an alert is built from — the headline
/// and lead of each kind of step, and what comes next — as small Mustache snippets over the alert's values.
///
/// Kept beside the templates so that translators edit one folder.
package struct Labels: Sendable {
    var statuses: [String: String] = [:]
    var outcomes: [String: String] = [:]
    var types: [String: String] = [:]
    var subjectKinds: [String: String] = [:]
    var fields: [String: String] = [:]
    var countries: [String: String] = [:]
    var measures: [String: String] = [:]
    /// The laws a foreign-agent designation rests on, by the citation case files use (`NGO law art. 32`), as the
    /// reader's language cites them; a citation not listed is shown as written.
    var legalBases: [String: String] = [:]
    var reasons: [String: String] = [:]
    var sentenceKinds: [String: String] = [:]
    /// What the party that brought the case is called, by case type (`default` for the others).
    var claimantLabels: [String: String] = [:]
    /// How the case's court is named, by case type (`default` for the rest): an international body is no court of
    /// first instance.
    var courtLabels: [String: String] = [:]
    /// Time zones by tz name, as readers know them (`Europe/Moscow: Moscow time`).
    var timeZones: [String: String] = [:]
    /// Words the renderer puts together (`days`, `hours`, `your_time` …).
    var words: [String: String] = [:]
    var months: [String] = []
    /// Abbreviated month names, for subject lines (`27 Apr 2023`).
    var shortMonths: [String] = []
    /// Month names on their own (`July 2025`), where the language declines them in a date (Russian).
    var standaloneMonths: [String] = []
    var dateFormat = "{day} {month} {year}"
    var monthYearFormat = "{month} {year}"
    /// How a time of day is written: `{hour}:{minute}` (`09:30`); `{h}` is the hour without a leading zero
    /// (French `{h} h {minute}`, `9 h 30`), and `time_format_on_the_hour` is used at minute zero (`10 h`).
    var timeFormat = "{hour}:{minute}"
    var timeFormatOnTheHour: String?
    /// A time with its zone: `{time} ({zone})` (`8 h (heure de Paris)`); English `{time} {zone}` (`08:00 Paris time`).
    var zonedTimeFormat = "{time} ({zone})"

    func zoned(_ time: String, zone: String) -> String {
        zonedTimeFormat.replacingOccurrences(of: "{time}", with: time).replacingOccurrences(of: "{zone}", with: zone)
    }

    /// `hour`:`minute` in the language's format.
    func time(hour: Int, minute: Int) -> String {
        let format = minute == 0 ? timeFormatOnTheHour ?? timeFormat : timeFormat
        return format.replacingOccurrences(of: "{hour}", with: String(format: "%02d", hour))
            .replacingOccurrences(of: "{h}", with: String(hour))
            .replacingOccurrences(of: "{minute}", with: String(format: "%02d", minute))
    }
    /// How the first day of a month is written, where it differs (French: `1er`).
    var firstDay: String?
    /// Snippets by key: `steps.<type>.<status>[.<outcome>].headline` / `.lead`, `next.<type>.<status>[.<level>]`,
    /// and the other sentences of `phrases`.
    var snippets: [String: MustacheTemplate] = [:]

    func status(_ status: CaseStatus?) -> String? { status.map { statuses[$0.rawValue] ?? $0.rawValue } }
    func outcome(_ outcome: Outcome?) -> String? { outcome.map { outcomes[$0.rawValue] ?? $0.rawValue } }
    func type(_ type: CaseType) -> String { types[type.rawValue] ?? type.rawValue }
    func field(_ name: String) -> String { fields[name] ?? name.replacingOccurrences(of: "_", with: " ") }
    func country(_ code: String) -> String { countries[code] ?? code }
    func word(_ key: String) -> String { words[key] ?? key.replacingOccurrences(of: "_", with: " ") }

    /// `25 January 2023`, `25 января 2023 г.`, `25 janvier 2023`; `July 2025`, `июль 2025 г.`; `2025`.
    func date(_ date: CalendarDate?) -> String? {
        guard let date else { return nil }
        switch date.precision {
        case .year:
            return String(date.year)
        case .month:
            let names = standaloneMonths.count == 12 ? standaloneMonths : months
            let month = names.count == 12 ? names[date.month - 1] : String(date.month)
            return monthYearFormat.replacingOccurrences(of: "{month}", with: month)
                .replacingOccurrences(of: "{year}", with: String(date.year))
        case .day:
            let month = months.count == 12 ? months[date.month - 1] : String(date.month)
            let day = date.day == 1 ? firstDay ?? "1" : String(date.day)
            return dateFormat.replacingOccurrences(of: "{day}", with: day)
                .replacingOccurrences(of: "{month}", with: month)
                .replacingOccurrences(of: "{year}", with: String(date.year))
        }
    }

    /// The date as a subject line gives it: `27 Apr 2023`, `Jul 2025`, `2025`.
    func shortDate(_ date: CalendarDate) -> String {
        var labels = self
        if shortMonths.count == 12 {
            labels.months = shortMonths
            labels.standaloneMonths = shortMonths
        }
        return labels.date(date) ?? date.description
    }

    /// The first snippet of `keys` this language has.
    func snippet(_ keys: [String]) -> MustacheTemplate? {
        for key in keys { if let found = snippets[key] { return found } }
        return nil
    }

    /// The labels of `url`, over the `shipped` ones (which give what the file lacks); the shipped ones alone when
    /// there is no file.
    static func load(file: String, url: URL, shipped: String? = nil) -> (Labels?, [InputProblem]) {
        let own = FileManager.default.contents(atPath: url.path).flatMap { String(data: $0, encoding: .utf8) }
        guard let text = own ?? shipped else {
            return (nil, [InputProblem(file: file, line: nil, field: nil, message: "cannot read")])
        }
        var root: SourceNode
        do {
            root = try SourceNode.parseYAML(text, file: file)
            if own != nil, let shipped, let base = try? SourceNode.parseYAML(shipped, file: file) {
                root = ShippedTemplates.overlay(root, on: base)
            }
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
        labels.countries = strings(&fields, "countries")
        labels.measures = strings(&fields, "measures")
        labels.legalBases = strings(&fields, "legal_bases")
        labels.reasons = strings(&fields, "reasons")
        labels.sentenceKinds = strings(&fields, "sentence_kinds")
        labels.claimantLabels = strings(&fields, "claimant_labels")
        labels.courtLabels = strings(&fields, "court_labels")
        labels.timeZones = strings(&fields, "time_zones")
        labels.words = strings(&fields, "words")
        labels.months = fields.stringList("months") ?? []
        labels.standaloneMonths = fields.stringList("standalone_months") ?? []
        labels.shortMonths = fields.stringList("short_months") ?? []
        for (key, names) in [("months", labels.months), ("standalone_months", labels.standaloneMonths),
                             ("short_months", labels.shortMonths)]
        where !names.isEmpty && names.count != 12 {
            log.error("expected 12 month names, found \(names.count)", field: key, line: fields.node(key)?.line)
        }
        labels.dateFormat = fields.string("date_format") ?? labels.dateFormat
        labels.monthYearFormat = fields.string("month_year_format") ?? labels.monthYearFormat
        labels.timeFormat = fields.string("time_format") ?? labels.timeFormat
        labels.timeFormatOnTheHour = fields.string("time_format_on_the_hour")
        labels.zonedTimeFormat = fields.string("zoned_time_format") ?? labels.zonedTimeFormat
        labels.firstDay = fields.string("first_day")
        for section in ["steps", "next_steps", "phrases"] {
            guard let node = fields.node(section) else { continue }
            for (key, snippet, line) in flatten(node, prefix: section == "next_steps" ? "next" : section) {
                do {
                    labels.snippets[key] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + snippet)
                } catch let error as MustacheTemplate.ParserError {
                    log.error("Mustache: \(error.error)", field: key, line: line)
                } catch {
                    log.error("Mustache: \(error)", field: key, line: line)
                }
            }
        }
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

    /// Every text under `node`, by its dotted path (`steps.liquidation.appeal_decided.upheld.lead`).
    private static func flatten(_ node: SourceNode, prefix: String) -> [(String, String, Int?)] {
        switch node {
        case .scalar(let text, let line): [(prefix, text, line)]
        case .map(let entries, _): entries.flatMap { flatten($0.value, prefix: prefix + "." + $0.key) }
        case .list, .null: []
        }
    }
}
