import CaseWatchModel
/// The flat, explicit data a template sees: every value a string already in the subscriber's language.
///
/// An empty value is `false`, never "": Mustache treats any string, even an empty one, as true in a
/// section, and a key left out would be looked up in the enclosing context (a history entry without an
/// outcome would show the case's). The keys are documented in `templates/README.md`.
struct AlertContext {
    private(set) var values: [String: Any] = [:]

    init(event: CaseEvent, language: Language, labels: Labels) {
        let legalCase = event.snapshot
        set("event_id", event.id)
        set("event_type", event.type.rawValue)
        set("detected_at", Timestamp.iso8601(event.detectedAt))
        set("case_id", legalCase.id)
        set("case_name", legalCase.subject.name(in: language))
        set("case_name_en", legalCase.subject.name(in: .en))
        set("subject_kind_label", labels.subjectKinds[legalCase.subject.kind.rawValue] ?? legalCase.subject.kind.rawValue)
        set("country", legalCase.country)
        set("case_type_label", labels.type(legalCase.type))
        set("status_label", labels.status(legalCase.status))
        set("outcome_label", labels.outcome(legalCase.outcome))
        set("from_status_label", labels.status(event.change.from))
        set("to_status_label", labels.status(event.change.to))
        set("occurred_on", labels.date(event.occurredOn))
        set("claimant", legalCase.claimant)
        set("court", legalCase.court)
        set("case_number", legalCase.caseNumber)
        let hearing = event.change.hearing ?? legalCase.nextHearing
        set("hearing_date", labels.date(hearing?.date))
        set("hearing_time", hearing?.time)
        set("hearing_court", hearing?.court)
        values["has_hearing"] = hearing != nil
        set("days_before", event.change.daysBefore.map(String.init))
        values["changed_fields"] = (event.change.fields ?? []).map { ["label": labels.field($0)] }
        set("next_step", labels.nextSteps[legalCase.status.rawValue])
        values["sources"] = legalCase.sources.map { ["url": $0] }
        values["has_sources"] = !legalCase.sources.isEmpty
        values["history"] = legalCase.history.map { entry -> [String: Any] in
            [
                "date": labels.date(entry.date) ?? entry.date.description,
                "status_label": Self.value(labels.status(entry.status)),
                "outcome_label": Self.value(labels.outcome(entry.outcome)),
                "note": Self.value(entry.note),
            ]
        }
    }

    mutating func set(_ key: String, _ value: String?) {
        values[key] = Self.value(value)
    }

    /// The text, or `false` when there is none.
    static func value(_ text: String?) -> Any {
        if let text, !text.isEmpty { text } else { false }
    }
}
