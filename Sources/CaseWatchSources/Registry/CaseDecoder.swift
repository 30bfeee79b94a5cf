import CaseWatchModel
import InputFormats

/// Turns one parsed case object into a ``LegalCase``, logging every problem with its field and line.
///
/// Errors make the case unusable (and the run exit 65); unknown fields are only warnings, so a registry
/// written for a newer CaseWatch still loads. A case written for CaseWatch 1 (steps with only `date`, `status`,
/// `outcome`, `note`) keeps loading: where version 2 is stricter — a case-level status that disagrees with its
/// steps, a status of another type — it gets a warning, and the steps' facts win.
struct CaseDecoder {
    let log: ProblemLog
    /// The gazetteer's ids: a court or authority that looks like an id and is none of them is a warning (it is
    /// taken as a name).
    var authorityIDs: Set<String> = []

    func decode(_ node: SourceNode, path: String = "") -> LegalCase? {
        guard var fields = MapReader(node, path: path, log: log) else { return nil }
        defer { fields.finish() }
        let before = log.errorCount

        let id = fields.string("id", required: true)
        if let id, !Self.isSlug(id) {
            log.error("\"\(id)\" is not a slug (lowercase letters, digits and hyphens)", field: fields.fieldPath("id"),
                      line: fields.node("id")?.line)
        }
        let subject = fields.map("subject", required: true).flatMap(decodeSubject)
        let country = fields.string("country", required: true)
        if let country, !CountryCodes.isAssigned(country) {
            log.error("\"\(country)\" is not an ISO 3166-1 alpha-2 country code", field: fields.fieldPath("country"),
                      line: fields.node("country")?.line)
        }
        let type = fields.value("type", as: CaseType.self, required: true, noun: "a case type")
        let givenStatus = fields.value("status", as: CaseStatus.self, noun: "a status")
        let givenOutcome = fields.value("outcome", as: Outcome.self, noun: "an outcome")
        let claimant = reference(&fields, "claimant")
        let court = reference(&fields, "court")
        let caseNumber = singleLine(&fields, "case_number")
        let nextHearing = fields.map("next_hearing").flatMap(decodeHearing)
        let history = decodeHistory(&fields, type: type)
        let related = slugs(&fields, "related")
        let sources = decodeSources(&fields)
        let tags = slugs(&fields, "tags")
        let imports = fields.stringList("imports") ?? []
        for (index, claim) in imports.enumerated() {
            let list = claim.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            guard claim.contains(":"), ["minjust-undesirable", "minjust-foreign-agents"].contains(list)
                    || list.hasPrefix("table")
            else {
                log.error("\"\(claim)\" is not an entry of a list (minjust-undesirable:ORDER/DATE, "
                          + "minjust-foreign-agents:KEY)", field: fields.fieldPath("imports[\(index)]"),
                          line: fields.node("imports")?.line)
                continue
            }
        }

        guard log.errorCount == before, let id, let subject, let country, let type else { return nil }
        let version2 = !related.isEmpty || !imports.isEmpty || !subject.websites.isEmpty || history.contains(where: \.usesVersion2Fields)
            || (claimant.map { !$0.isPlain } ?? false) || (court.map { !$0.isPlain } ?? false)
        guard let (status, outcome) = settleStatus(given: (givenStatus, givenOutcome), history: history, type: type,
                                                   version2: version2, fields: &fields)
        else { return nil }
        var legalCase = LegalCase(
            id: id, subject: subject, country: country, type: type, status: status, outcome: outcome,
            claimant: claimant, court: court, caseNumber: caseNumber, nextHearing: nextHearing, history: history,
            related: related, sources: sources, tags: tags)
        legalCase.imports = imports
        return legalCase
    }

    /// The case's status and outcome: those its steps give; a given status or outcome must agree with them (a
    /// version-1 file gets a warning and the steps win). A case without steps needs a status of its own.
    private func settleStatus(
        given: (status: CaseStatus?, outcome: Outcome?), history: [CaseStep], type: CaseType, version2: Bool,
        fields: inout MapReader
    ) -> (CaseStatus, Outcome?)? {
        let before = log.errorCount
        guard let derived = LegalCase.derivedStatus(of: history) else {
            guard let status = given.status else {
                log.error("is required when the case has no history", field: fields.fieldPath("status"), line: fields.line)
                return nil
            }
            if !type.statuses.contains(status) {
                report(version2, "\"\(status.rawValue)\" is not a status of a \(type.rawValue) case",
                       field: fields.fieldPath("status"), line: fields.node("status")?.line)
                if version2 { return nil }
            }
            return (status, given.outcome)
        }
        let index = history.lastIndex { !$0.status.isSideStep } ?? history.count - 1
        let place = "\(fields.fieldPath("history"))[\(index)]"
        if let status = given.status, status != derived.status {
            report(version2, "\"\(status.rawValue)\" disagrees with the last step (\(place): \"\(derived.status.rawValue)\"); "
                       + "the status comes from the steps", field: fields.fieldPath("status"),
                   line: fields.node("status")?.line)
        }
        if let outcome = given.outcome, outcome != derived.outcome {
            let givenText = "\"\(outcome.rawValue)\""
            let derivedText = derived.outcome.map { "\"\($0.rawValue)\"" } ?? "none"
            report(version2, "\(givenText) disagrees with the last step (\(place): \(derivedText)); "
                       + "the outcome comes from the steps", field: fields.fieldPath("outcome"),
                   line: fields.node("outcome")?.line ?? fields.node("status")?.line)
        }
        if log.errorCount > before { return nil }
        return derived
    }

    /// An error in a version-2 case, a warning in a version-1 one.
    private func report(_ error: Bool, _ message: String, field: String, line: Int?) {
        if error { log.error(message, field: field, line: line) } else { log.warning(message, field: field, line: line) }
    }

    private func decodeSubject(_ fields: MapReader) -> Subject? {
        var fields = fields
        defer { fields.finish() }
        let kind = fields.value("kind", as: SubjectKind.self, required: true, noun: "a subject kind")
        var names: [String: String] = [:]
        if var nameFields = fields.map("name", required: true) {
            for language in Language.allCases {
                if let name = singleLine(&nameFields, language.rawValue, required: language == .en) {
                    names[language.rawValue] = name
                }
            }
            nameFields.finish()
        }
        let websites = fields.stringList("websites") ?? []
        for (index, website) in websites.enumerated() where !Self.isDomain(website) {
            log.error("\"\(website)\" is not a domain name (write meduza.io, not an address)",
                      field: "\(fields.fieldPath("websites"))[\(index)]", line: fields.node("websites")?.line)
        }
        guard let kind, names["en"] != nil else { return nil }
        return Subject(kind: kind, name: names, websites: websites.map { $0.lowercased() })
    }

    private func decodeHearing(_ fields: MapReader) -> Hearing? {
        var fields = fields
        defer { fields.finish() }
        let date = completeDate(&fields, "date", required: true)
        let time = fields.string("time")
        if let time, !Self.isClockTime(time) {
            log.error("\"\(time)\" is not a time of day (expected HH:MM)", field: fields.fieldPath("time"),
                      line: fields.node("time")?.line)
            return nil
        }
        let court = reference(&fields, "court")
        guard let date else { return nil }
        return Hearing(date: date, time: time, court: court)
    }

    /// The steps; with no valid type, checked for everything but what depends on the type.
    private func decodeHistory(_ fields: inout MapReader, type: CaseType?) -> [CaseStep] {
        guard let items = fields.list("history") else { return [] }
        var steps: [CaseStep] = []
        let version2 = items.contains { item in
            guard case .map(let entries, _) = item else { return false }
            return entries.contains { Self.version2StepKeys.contains($0.key) || (($0.key == "note") && $0.value.isMap) }
        }
        for (index, item) in items.enumerated() {
            let path = "\(fields.fieldPath("history"))[\(index)]"
            guard let step = decodeStep(item, path: path, type: type, version2: version2) else { continue }
            if let previous = steps.last, step.date.isCertainlyBefore(previous.date) {
                log.error("\(step.date) is earlier than the step before it (\(previous.date)); history runs oldest first",
                          field: "\(path).date", line: item.line)
            }
            steps.append(step)
        }
        return steps
    }

    private static let version2StepKeys: Set<String> = [
        "court", "authority", "effects", "deadline", "document", "measure", "sentence", "reason", "legal_basis",
        "category", "amount", "body",
    ]

    private func decodeStep(_ item: SourceNode, path: String, type: CaseType?, version2: Bool) -> CaseStep? {
        guard var entry = MapReader(item, path: path, log: log) else { return nil }
        defer { entry.finish() }
        let before = log.errorCount
        let date = fields(&entry, dateOf: "date")
        let status = status(&entry, "status", type: type, version2: version2, required: true)
        let outcome = entry.value("outcome", as: Outcome.self, noun: "an outcome")
        let court = reference(&entry, "court")
        let authority = reference(&entry, "authority")
        let note = localized(&entry, "note", singleLine: false)
        var effects: [CaseStatus] = []
        if let names = entry.stringList("effects") {
            for (index, name) in names.enumerated() {
                let field = "\(entry.fieldPath("effects"))[\(index)]"
                guard let effect = CaseStatus(rawValue: name) else {
                    log.error(MapReader.notOneOf(name, noun: "a status", choices: CaseStatus.allCases.map(\.rawValue)),
                              field: field, line: entry.node("effects")?.line)
                    continue
                }
                if let type, !type.statuses.contains(effect) {
                    log.error("\"\(name)\" is not a status of a \(type.rawValue) case", field: field,
                              line: entry.node("effects")?.line)
                }
                effects.append(effect)
            }
        }
        let deadline = completeDate(&entry, "deadline")
        let document = singleLine(&entry, "document")
        let measure = typed(&entry, "measure", type: type) { entry in
            entry.value("measure", as: RestraintMeasure.self, noun: "a measure of restraint")
        }
        let sentence = typed(&entry, "sentence", type: type) { entry in entry.map("sentence").flatMap(decodeSentence) }
        let reason = typed(&entry, "reason", type: type) { entry in
            entry.value("reason", as: ReleaseReason.self, noun: "a reason of release")
        }
        let legalBasis = typed(&entry, "legal_basis", type: type) { entry in singleLine(&entry, "legal_basis") }
        let category = typed(&entry, "category", type: type) { entry in singleLine(&entry, "category") }
        let amount = typed(&entry, "amount", type: type) { entry in wholeNumber(&entry, "amount") }
        let body = typed(&entry, "body", type: type) { entry in reference(&entry, "body") }
        guard log.errorCount == before, let date, let status else { return nil }
        return CaseStep(date: date, status: status, outcome: outcome, court: court, authority: authority, note: note,
                        effects: effects, deadline: deadline, document: document, measure: measure, sentence: sentence,
                        reason: reason, legalBasis: legalBasis, category: category, amount: amount, body: body)
    }

    /// A status valid for `type`; one of another type is an error naming the type (a warning in a version-1 case,
    /// whose statuses CaseWatch 1 did not check by type).
    private func status(_ entry: inout MapReader, _ key: String, type: CaseType?, version2: Bool, required: Bool)
        -> CaseStatus?
    {
        guard let status = entry.value(key, as: CaseStatus.self, required: required, noun: "a status") else { return nil }
        if let type, !type.statuses.contains(status) {
            let choices = type.statuses.map(\.rawValue).sorted()
            let hint = Spelling.closest(to: status.rawValue, among: choices).map { " (did you mean \"\($0)\"?)" } ?? ""
            report(version2, "\"\(status.rawValue)\" is not a status of a \(type.rawValue) case\(hint)",
                   field: entry.fieldPath(key), line: entry.node(key)?.line)
            if version2 { return nil }
        }
        return status
    }

    /// A type-specific step field: read with `read` when present; present on a step of another type, an error
    /// naming the type.
    private func typed<Value>(_ entry: inout MapReader, _ key: String, type: CaseType?,
                              _ read: (inout MapReader) -> Value?) -> Value? {
        guard entry.node(key) != nil else { return nil }
        guard let type else { return read(&entry) }
        guard type.stepFields.contains(key) else {
            log.error("is not a field of a \(type.rawValue) case's steps", field: entry.fieldPath(key),
                      line: entry.node(key)?.line)
            return nil
        }
        return read(&entry)
    }

    private func decodeSentence(_ fields: MapReader) -> Sentence? {
        var fields = fields
        defer { fields.finish() }
        guard let kind = fields.string("kind", required: true) else { return nil }
        guard Sentence.kinds.contains(kind) else {
            log.error(MapReader.notOneOf(kind, noun: "a kind of sentence", choices: Sentence.kinds),
                      field: fields.fieldPath("kind"), line: fields.node("kind")?.line)
            return nil
        }
        return Sentence(kind: kind, years: wholeNumber(&fields, "years"), months: wholeNumber(&fields, "months"),
                        amount: wholeNumber(&fields, "amount"))
    }

    /// A whole number of at most 12 digits (an amount in roubles, years): `1e999` or `12.5` is refused.
    private func wholeNumber(_ fields: inout MapReader, _ key: String) -> Int? {
        guard let text = fields.string(key) else { return nil }
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text)
        else {
            log.error("\"\(text.prefix(40))\" is not a whole number", field: fields.fieldPath(key), line: fields.node(key)?.line)
            return nil
        }
        return value
    }

    /// A date that may be partial (`2025-07`, `2025`).
    private func fields(_ entry: inout MapReader, dateOf key: String) -> CalendarDate? {
        guard let text = entry.string(key, required: true) else { return nil }
        guard let date = CalendarDate(text) else {
            log.error("\"\(text)\" is not a date (expected YYYY-MM-DD, or YYYY-MM or YYYY when only that is known)",
                      field: entry.fieldPath(key), line: entry.node(key)?.line)
            return nil
        }
        return date
    }

    /// A date with its day (a hearing, a deadline).
    private func completeDate(_ fields: inout MapReader, _ key: String, required: Bool = false) -> CalendarDate? {
        guard let date = fields.date(key, required: required) else { return nil }
        guard date.isComplete else {
            log.error("\"\(date)\" needs its day (YYYY-MM-DD)", field: fields.fieldPath(key), line: fields.node(key)?.line)
            return nil
        }
        return date
    }

    /// A court, authority or claimant: a gazetteer id, a name (English), or names `{en, ru, fr}`.
    private func reference(_ fields: inout MapReader, _ key: String) -> LocalizedText? {
        guard let text = localized(&fields, key) else { return nil }
        if text.isPlain, Self.looksLikeID(text.english), !authorityIDs.isEmpty, !authorityIDs.contains(text.english) {
            let hint = Spelling.closest(to: text.english, among: authorityIDs.sorted()).map { " (did you mean \"\($0)\"?)" }
            log.warning("\"\(text.english)\" is not an id of the authorities' gazetteer\(hint ?? ""); it is shown as written",
                        field: fields.fieldPath(key), line: fields.node(key)?.line)
        }
        return text
    }

    /// A text: a string (English) or `{en, ru, fr}` with English; on one line unless `singleLine` is false (a
    /// note, which never reaches a header).
    private func localized(_ fields: inout MapReader, _ key: String, singleLine oneLine: Bool = true) -> LocalizedText? {
        guard let node = fields.node(key) else { return nil }
        if case .scalar = node {
            return (oneLine ? singleLine(&fields, key) : fields.string(key)).map { LocalizedText($0) }
        }
        if case .list = node {
            log.error("expected a text value, found a list", field: fields.fieldPath(key), line: node.line)
            return nil
        }
        guard var names = fields.map(key) else { return nil }
        defer { names.finish() }
        var texts: [String: String] = [:]
        for language in Language.allCases {
            let text = oneLine ? singleLine(&names, language.rawValue, required: language == .en)
                : names.string(language.rawValue, required: language == .en)
            if let text { texts[language.rawValue] = text }
        }
        return LocalizedText(texts)
    }

    private func slugs(_ fields: inout MapReader, _ key: String) -> [String] {
        let values = fields.stringList(key) ?? []
        for (index, value) in values.enumerated() where !Self.isSlug(value) {
            log.error("\"\(value)\" is not a slug", field: "\(fields.fieldPath(key))[\(index)]", line: fields.node(key)?.line)
        }
        return values
    }

    private func decodeSources(_ fields: inout MapReader) -> [String] {
        let sources = fields.stringList("sources") ?? []
        for (index, source) in sources.enumerated() where !Self.isWebAddress(source) {
            log.error("\"\(source)\" is not an http(s) address", field: "\(fields.fieldPath("sources"))[\(index)]",
                      line: fields.node("sources")?.line)
        }
        return sources
    }

    /// A text field that may end up in an e-mail header: CR and LF are refused here already.
    private func singleLine(_ fields: inout MapReader, _ key: String, required: Bool = false) -> String? {
        guard let text = fields.string(key, required: required) else { return nil }
        // Bytes, not characters: this runs for several fields of every case.
        if text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            log.error("must be on one line (line breaks could forge e-mail headers)", field: fields.fieldPath(key),
                      line: fields.node(key)?.line)
            return nil
        }
        return text
    }

    /// Lowercase ASCII letters, digits and hyphens, 1 to 128 of them (bytes are characters here, so
    /// the length is counted in bytes, after the bytes are known to be ASCII).
    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-")
        } && text.utf8.count <= 128
    }

    /// A slug with a hyphen: what gazetteer ids look like (`ru-moscow-city-court`), unlike a court's name.
    static func looksLikeID(_ text: String) -> Bool {
        isSlug(text) && text.utf8.contains(UInt8(ascii: "-"))
    }

    /// A host name: labels of letters, digits and hyphens joined by dots, at least one dot.
    static func isDomain(_ text: String) -> Bool {
        let labels = text.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && text.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        }
    }

    /// `http://` or `https://` and no white space of any kind. Bytes first: only an address with text
    /// outside ASCII needs Unicode's white-space property, which costs more than the rest of its case.
    static func isWebAddress(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return false }
        var isASCII = true
        for byte in text.utf8 {
            if byte >= 0x80 { isASCII = false } else if byte == 0x20 || (0x09...0x0D).contains(byte) { return false }
        }
        return isASCII || !text.unicodeScalars.contains(where: \.properties.isWhitespace)
    }

    static func isClockTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return false }
        return (0..<24).contains(hour) && (0..<60).contains(minute)
    }
}

extension SourceNode {
    var isMap: Bool {
        if case .map = self { true } else { false }
    }
}
