import CaseWatchModel
import InputFormats
/// Turns one parsed case object into a ``LegalCase``, logging every problem with its field and line.
///
/// Errors make the case unusable (and the run exit 65); unknown fields are only warnings, so a registry
/// written for a newer CaseWatch still loads.
struct CaseDecoder {
    let log: ProblemLog

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
        let status = fields.value("status", as: CaseStatus.self, required: true, noun: "a status")
        let outcome = fields.value("outcome", as: Outcome.self, noun: "an outcome")
        let claimant = singleLine(&fields, "claimant")
        let court = singleLine(&fields, "court")
        let caseNumber = singleLine(&fields, "case_number")
        let nextHearing = fields.map("next_hearing").flatMap(decodeHearing)
        let history = decodeHistory(&fields)
        let sources = decodeSources(&fields)
        let tags = fields.stringList("tags") ?? []
        for (index, tag) in tags.enumerated() where !Self.isSlug(tag) {
            log.error("\"\(tag)\" is not a slug", field: "\(fields.fieldPath("tags"))[\(index)]",
                      line: fields.node("tags")?.line)
        }

        guard log.errorCount == before, let id, let subject, let country, let type, let status else {
            return nil
        }
        return LegalCase(
            id: id, subject: subject, country: country, type: type, status: status, outcome: outcome,
            claimant: claimant, court: court, caseNumber: caseNumber, nextHearing: nextHearing, history: history,
            sources: sources, tags: tags)
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
        guard let kind, names["en"] != nil else { return nil }
        return Subject(kind: kind, name: names)
    }

    private func decodeHearing(_ fields: MapReader) -> Hearing? {
        var fields = fields
        defer { fields.finish() }
        let date = fields.date("date", required: true)
        let time = fields.string("time")
        if let time, !Self.isClockTime(time) {
            log.error("\"\(time)\" is not a time of day (expected HH:MM)", field: fields.fieldPath("time"),
                      line: fields.node("time")?.line)
            return nil
        }
        let court = singleLine(&fields, "court")
        guard let date else { return nil }
        return Hearing(date: date, time: time, court: court)
    }

    private func decodeHistory(_ fields: inout MapReader) -> [HistoryEntry] {
        guard let items = fields.list("history") else { return [] }
        var entries: [HistoryEntry] = []
        for (index, item) in items.enumerated() {
            let path = "\(fields.fieldPath("history"))[\(index)]"
            guard var entry = MapReader(item, path: path, log: log) else { continue }
            let date = entry.date("date", required: true)
            let status = entry.value("status", as: CaseStatus.self, required: true, noun: "a status")
            let outcome = entry.value("outcome", as: Outcome.self, noun: "an outcome")
            let note = entry.string("note")
            entry.finish()
            guard let date, let status else { continue }
            if let previous = entries.last, date < previous.date {
                log.error("\(date) is earlier than the entry before it (\(previous.date)); history runs oldest first",
                          field: "\(path).date", line: item.line)
            }
            entries.append(HistoryEntry(date: date, status: status, outcome: outcome, note: note))
        }
        return entries
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
