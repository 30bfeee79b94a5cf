import CaseWatchModel
import CaseWatchPipeline
import Foundation
import Mustache

/// The flat, explicit data a template sees: every value a string already in the reader's language.
///
/// An empty value is ``Absent``, never "": Mustache treats any string, even an empty one, as true in a section,
/// and a key left out would be looked up in the enclosing context (a history entry without an outcome would show
/// the case's). `Absent` hides a section and prints nothing (where `false` would print "false"). The keys are
/// documented in `templates/README.md`.
///
/// Every fact of the step an event is about comes from that step (`step_…`): nothing of an earlier step is shown
/// as the new one's. The sentences built from the labels' snippets (`headline`, `lead`, `next_step`, …) are
/// rendered last, over the values before them.
struct AlertContext {
    var values: [String: Any] = [:]
    let labels: Labels
    let language: Language

    init(event: CaseEvent, language: Language, labels: Labels, reader: Reader, facts: RenderingFacts, now: Date) {
        self.labels = labels
        self.language = language
        let legalCase = event.snapshot
        let gazetteer = facts.gazetteer
        set("event_id", event.id)
        set("event_type", event.type.rawValue)
        set("detected_at", moment(event.detectedAt, in: reader.zone))
        set("detected_at_utc", Timestamp.iso8601(event.detectedAt))
        set("case_id", legalCase.id)
        set("case_name", legalCase.subject.name(in: language))
        set("case_name_en", legalCase.subject.name(in: .en))
        set("subject_kind_label", labels.subjectKinds[legalCase.subject.kind.rawValue] ?? legalCase.subject.kind.rawValue)
        values["is_person"] = legalCase.subject.kind == .person
        set("country", legalCase.country)
        set("country_name", labels.country(legalCase.country))
        set("case_type", legalCase.type.rawValue)
        values["type_\(legalCase.type.rawValue)"] = true
        set("case_type_label", labels.type(legalCase.type))
        set("status_label", labels.status(legalCase.status))
        set("outcome_label", labels.outcome(legalCase.outcome))
        set("from_status_label", labels.status(event.change.from))
        set("to_status_label", labels.status(event.change.to))
        set("occurred_on", labels.date(event.occurredOn))
        set("claimant", gazetteer.name(legalCase.claimant, in: language))
        set("claimant_label", labels.claimantLabels[legalCase.type.rawValue] ?? labels.claimantLabels["default"])
        set("court_label", labels.courtLabels[legalCase.type.rawValue] ?? labels.courtLabels["default"])
        set("court", gazetteer.name(legalCase.court, in: language))
        set("case_number", legalCase.caseNumber)
        setStep(event.change.step, prefix: "step", legalCase: legalCase, gazetteer: gazetteer)
        values["late"] = event.change.late == true
        setHearing(event, reader: reader, gazetteer: gazetteer, now: now)
        values["changed_fields"] = (event.change.fields ?? []).map { ["label": labels.field($0)] }
        values["changes"] = (event.change.changes ?? []).map { change -> [String: Any] in
            ["label": labels.field(change.field), "from": Self.value(change.from), "to": Self.value(change.to)]
        }
        setCorrection(event, legalCase: legalCase, gazetteer: gazetteer)
        setHistory(legalCase, gazetteer: gazetteer)
        setSources(legalCase, reader: reader, facts: facts)
        set("evidence_source", event.evidence?.source)
        set("evidence_as_of", labels.date(event.evidence?.asOf))
        set("subscriber_name", nil)
        set("unsubscribe_url", nil)
        set("preferences_url", nil)
        setSentences(event, legalCase: legalCase, gazetteer: gazetteer)
    }

    mutating func set(_ key: String, _ value: String?) {
        values[key] = Self.value(value)
    }

    /// The text, or ``Absent`` when there is none.
    static func value(_ text: String?) -> Any {
        if let text, !text.isEmpty { text } else { Absent() }
    }

    /// `30 November 2026, 10:15 (Europe/Paris)`: a moment as the reader's clock shows it.
    func moment(_ date: Date, in zone: TimeZone) -> String {
        let day = labels.date(CalendarDate(date, in: zone)) ?? ""
        return "\(day), " + labels.zoned(clock(date, in: zone), zone: labels.timeZones[zone.identifier] ?? zone.identifier)
    }

    /// A registry time of day (`HH:MM`) in the language's `time_format`.
    func timeOfDay(_ text: String?) -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return text }
        return labels.time(hour: hour, minute: minute)
    }

    /// The time of day of `date` in `zone`, in the language's `time_format` (`10:00`, `10 h 00`).
    func clock(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return labels.time(hour: parts.hour ?? 0, minute: parts.minute ?? 0)
    }
}

/// A value the context does not have: false in a section, nothing when printed, and it stops a lookup from reaching
/// an enclosing context.
struct Absent: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}
