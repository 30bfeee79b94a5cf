import CaseWatchModel
import CaseWatchPipeline
import Foundation
import Mustache

extension AlertContext {
    /// The facts of one step, each under `<prefix>_…`; `has_<prefix>` says whether there is a step.
    mutating func setStep(_ step: CaseStep?, prefix: String, legalCase: LegalCase, gazetteer: Gazetteer) {
        values["has_\(prefix)"] = step != nil
        set("\(prefix)_date", labels.date(step?.date))
        set("\(prefix)_date_short", step.map { shortDate($0.date) })
        set("\(prefix)_status", step?.status.rawValue)
        set("\(prefix)_status_label", labels.status(step?.status))
        set("\(prefix)_outcome", step?.outcome?.rawValue)
        set("\(prefix)_outcome_label", labels.outcome(step?.outcome))
        set("\(prefix)_court", gazetteer.name(step?.court, in: language))
        set("\(prefix)_authority", gazetteer.name(step?.authority, in: language))
        set("\(prefix)_note", step?.note?.text(in: language))
        set("\(prefix)_effects_label", step.map { $0.effects.compactMap(labels.status).joined(separator: ", ") })
        values["\(prefix)_in_force"] = step?.effects.contains(.inForce) ?? false
        set("\(prefix)_deadline", labels.date(step?.deadline))
        set("\(prefix)_document", step?.document)
        set("\(prefix)_measure_label", step?.measure.map { labels.measures[$0.rawValue] ?? $0.rawValue })
        set("\(prefix)_sentence", step?.sentence.map(sentence))
        set("\(prefix)_reason_label", step?.reason.map { labels.reasons[$0.rawValue] ?? $0.rawValue })
        set("\(prefix)_legal_basis", step?.legalBasis.map { labels.legalBases[$0] ?? $0 })
        set("\(prefix)_category", step?.category)
        set("\(prefix)_amount", step?.amount.map(roubles))
        set("\(prefix)_body", gazetteer.name(step?.body, in: language))
    }

    /// `25 Jan 2023` style, for subject lines: the labels' `short_months` when given.
    func shortDate(_ date: CalendarDate) -> String {
        labels.shortDate(date)
    }

    /// `2 years 6 months (imprisonment)`, `a fine of 150,000 RUB`.
    func sentence(_ sentence: Sentence) -> String {
        var parts: [String] = []
        if let years = sentence.years { parts.append("\(years) \(labels.word(plural(years, one: "year", many: "years")))") }
        if let months = sentence.months {
            parts.append("\(months) \(labels.word(plural(months, one: "month", many: "months")))")
        }
        if let amount = sentence.amount { parts.append(roubles(amount)) }
        let kind = labels.sentenceKinds[sentence.kind] ?? sentence.kind.replacingOccurrences(of: "_", with: " ")
        // French sets a (no-break) space before a colon.
        let colon = language == .fr ? "\u{00A0}: " : ": "
        return parts.isEmpty ? kind : kind + colon + parts.joined(separator: " ")
    }

    /// `150,000 RUB` with the language's thousands separator.
    func roubles(_ amount: Int) -> String {
        let digits = Array(String(amount))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += labels.word("thousands_separator") }
            grouped.append(digit)
        }
        return grouped + " " + labels.word("roubles")
    }

    /// The hearing an event is about (or the case's next one), at the court's time and the reader's, and what is
    /// left until it when the event is a reminder.
    mutating func setHearing(_ event: CaseEvent, reader: Reader, gazetteer: Gazetteer, now: Date) {
        let legalCase = event.snapshot
        let about = [.hearingScheduled, .hearingPostponed, .hearingReminder].contains(event.type)
        var hearing = about ? event.change.hearing : legalCase.nextHearing
        // A hearing whose moment has passed is never shown as the next one.
        if !about, let shown = hearing,
           let moment = HearingReminders.moment(of: shown, in: gazetteer.timeZone(of: shown.court ?? legalCase.court,
                                                                                  country: legalCase.country)),
           moment <= now {
            hearing = nil
        }
        values["has_hearing"] = hearing != nil
        set("hearing_date", labels.date(hearing?.date))
        set("hearing_date_short", hearing.map { shortDate($0.date) })
        set("hearing_court", gazetteer.name(hearing?.court ?? (hearing == nil ? nil : legalCase.court), in: language))
        set("hearing_time", timeOfDay(hearing?.time))
        set("hearing_reader_time", nil)
        set("time_left", nil)
        if let hearing {
            let courtZone = gazetteer.timeZone(of: hearing.court ?? legalCase.court, country: legalCase.country)
            set("hearing_zone", labels.timeZones[courtZone.identifier] ?? courtZone.identifier)
            if let moment = HearingReminders.moment(of: hearing, in: courtZone) {
                if hearing.time != nil, reader.zone.secondsFromGMT(for: moment) != courtZone.secondsFromGMT(for: moment) {
                    let day = CalendarDate(moment, in: reader.zone) == hearing.date ? ""
                        : (labels.date(CalendarDate(moment, in: reader.zone)) ?? "") + ", "
                    set("hearing_reader_time", day + labels.zoned(clock(moment, in: reader.zone),
                                                                  zone: labels.timeZones[reader.zone.identifier] ?? reader.zone.identifier))
                }
                if event.type == .hearingReminder { set("time_left", timeLeft(until: moment, now: now)) }
            }
        }
        let previous = event.change.previousHearing
        set("previous_hearing_date", labels.date(previous?.date))
        set("previous_hearing_time", timeOfDay(previous?.time))
        if event.type == .deadlineReminder, let step = event.change.step, let deadline = step.deadline {
            let zone = gazetteer.timeZone(of: step.court ?? legalCase.court, country: legalCase.country)
            if let moment = HearingReminders.moment(ofDeadline: deadline, in: zone) {
                set("time_left", timeLeft(until: moment, now: now))
            }
        }
    }

    /// `3 days`, `1 day and 2 hours`, `5 hours`: what is left, said at the moment the message is composed.
    func timeLeft(until moment: Date, now: Date) -> String? {
        guard let (days, hours) = HearingReminders.timeLeft(until: moment, now: now) else { return nil }
        func unit(_ count: Int, _ one: String, _ many: String) -> String {
            "\(count) \(labels.word(plural(count, one: one, many: many)))"
        }
        if days == 0 { return unit(max(hours, 1), "hour", "hours") }
        return hours == 0 || days >= 3 ? unit(days, "day", "days")
            : unit(days, "day", "days") + " " + labels.word("and") + " " + unit(hours, "hour", "hours")
    }

    /// The word for `count` of something: Russian has a form for 1 (21, 31…), one for 2–4 (22–24…) and one for the
    /// rest (`days_few` in the labels); English and French one for 1 (and 0 in French) and one for the rest.
    func plural(_ count: Int, one: String, many: String) -> String {
        switch language {
        case .ru:
            if count % 10 == 1, count % 100 != 11 { return one }
            if (2...4).contains(count % 10), !(12...14).contains(count % 100) { return many + "_few" }
            return many
        case .fr:
            return count <= 1 ? one : many
        case .en:
            return count == 1 ? one : many
        }
    }

    /// A correction: what was announced (`announced_…`) and whether the step is gone.
    mutating func setCorrection(_ event: CaseEvent, legalCase: LegalCase, gazetteer: Gazetteer) {
        guard event.type == .corrected else {
            values["has_announced"] = false
            values["step_withdrawn"] = false
            return
        }
        set("corrects", event.change.corrects)
        setStep(event.change.announcedStep, prefix: "announced", legalCase: legalCase, gazetteer: gazetteer)
        values["step_withdrawn"] = event.change.step == nil
    }

    /// Every step, oldest first, each with its own facts.
    mutating func setHistory(_ legalCase: LegalCase, gazetteer: Gazetteer) {
        values["history"] = legalCase.history.map { step -> [String: Any] in
            [
                "date": labels.date(step.date) ?? step.date.description,
                "status_label": Self.value(labels.status(step.status)),
                "outcome_label": Self.value(labels.outcome(step.outcome)),
                "court": Self.value(gazetteer.name(step.court, in: language)),
                "detail": Self.value(detail(of: step)),
                "note": Self.value(step.note?.text(in: language)),
            ]
        }
    }

    /// What a step decided beyond its status and outcome: the sentence, the measure, the amount, the document.
    func detail(of step: CaseStep) -> String? {
        let parts = [step.sentence.map(sentence), step.measure.map { labels.measures[$0.rawValue] ?? $0.rawValue },
                     step.amount.map(roubles), step.document].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The case's sources under the reader's policy: links to listed websites marked, or left out and counted.
    mutating func setSources(_ legalCase: LegalCase, reader: Reader, facts: RenderingFacts) {
        var shown: [[String: Any]] = []
        var omitted = 0
        for url in legalCase.sources {
            let listed = facts.isListed(url)
            switch (reader.sourcesPolicy, listed) {
            case (.omitListed, true): omitted += 1
            case (.annotateListed, true): shown.append(["url": url, "listed": true])
            default: shown.append(["url": url, "listed": false])
            }
        }
        values["sources"] = shown
        values["has_sources"] = !shown.isEmpty
        values["has_listed"] = shown.contains { $0["listed"] as? Bool == true }
        set("omitted_sources", omitted > 0 ? String(omitted) : nil)
    }

    /// The sentences of the alert, from the labels' snippets over the values set so far: the headline, the lead,
    /// what comes next, the notes about lateness and listed sites, and where the facts came from.
    mutating func setSentences(_ event: CaseEvent, legalCase: LegalCase, gazetteer: Gazetteer) {
        let step = event.change.step
        let type = legalCase.type.rawValue
        func stepKeys(_ part: String) -> [String] {
            guard let step else { return ["steps.\(type).\(event.type.rawValue).\(part)", "steps.any.\(event.type.rawValue).\(part)"] }
            var keys: [String] = []
            for kind in [type, "any"] {
                if let outcome = step.outcome { keys.append("steps.\(kind).\(step.status.rawValue).\(outcome.rawValue).\(part)") }
                keys.append("steps.\(kind).\(step.status.rawValue).\(part)")
            }
            return keys + ["steps.any.\(part)"]
        }
        set("step_headline", render(stepKeys("headline")))
        set("step_lead", render(stepKeys("lead")).map(Self.capitalizingFirst))
        // What comes next depends on the type, the step, and the level of the court that ruled.
        let subjectStep = step ?? legalCase.statusStep
        let level = (gazetteer.authority(subjectStep?.court) ?? gazetteer.authority(legalCase.court))?.level?.rawValue
        var nextKeys: [String] = []
        if let subjectStep {
            for status in [subjectStep.status, subjectStep.resultingStatus] {
                for kind in [type, "any"] {
                    if let outcome = subjectStep.outcome {
                        nextKeys.append("next.\(kind).\(status.rawValue).\(outcome.rawValue)")
                    }
                    if let level { nextKeys.append("next.\(kind).\(status.rawValue).\(level)") }
                    nextKeys.append("next.\(kind).\(status.rawValue)")
                    nextKeys.append("next.\(kind).\(status.rawValue).default")
                }
            }
        }
        set("next_step", nextKeys.isEmpty ? nil : render(nextKeys))
        set("late_note", values["late"] as? Bool == true ? render(["phrases.late"]) : nil)
        set("listed_note", values["has_listed"] as? Bool == true ? render(["phrases.listed"]) : nil)
        set("omitted_note", values["omitted_sources"] is String ? render(["phrases.omitted"]) : nil)
        set("evidence_note", values["evidence_source"] is String ? render(["phrases.evidence"]) : nil)
    }

    /// A sentence begins with a capital even when it opens with a name or a value written in lower case.
    static func capitalizingFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    /// The first of `keys` the labels have, rendered over the values, on one line; nil when none.
    func render(_ keys: [String]) -> String? {
        guard let snippet = labels.snippet(keys) else { return nil }
        return AlertRenderer.oneLine(snippet.render(values))
    }
}
