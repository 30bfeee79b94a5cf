import CaseWatchModel
import InputFormats

/// The Ministry of Justice's register of foreign agents: the items of its registry service's `values` (DOMAIN §6),
/// or a community mirror's CSV (`MinjustForeignAgents+Mirror.swift`).
///
/// Only the seven fields below are read; every other field of an item — the hidden ones hold tax and insurance
/// numbers, birth dates and addresses — is ignored, never copied. The stable key is the register number and the
/// inclusion date (`1234/2024-02-02`).
package enum MinjustForeignAgents {
    /// The fields of a registry item that CaseWatch reads.
    package enum Field: String, CaseIterable {
        case registerNumber = "field_1_i", name = "field_2_s", legalBasis = "field_3_s", included = "field_4_dt"
        case excluded = "field_5_dt", websites = "field_6_s", kind = "field_7_s"
    }

    /// The entries of registry items flattened by the caller: each item's fields by name, a JSON string as it is, a
    /// number as its literal text, null as nil (the overload taking a `SourceNode` flattens a parsed response).
    /// A problem's `line` is the item's position (1-based), its `field` the field's name.
    package static func entries(registryValues items: [[String: String?]], source: String = "minjust-foreign-agents")
        -> ListParse
    {
        var parse = ListParse()
        var firstItemOfKey: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let line = index + 1
            var problems: [InputProblem] = []
            func value(_ field: Field) -> String? { (item[field.rawValue] ?? nil).flatMap(ListCells.text) }
            func problem(_ field: Field, _ message: String, warning: Bool = false) {
                problems.append(InputProblem(file: source, line: line, field: field.rawValue, message: message,
                                             severity: warning ? .warning : .error))
            }
            func date(_ field: Field) -> CalendarDate? {
                guard let text = value(field) else { return nil }
                guard let date = ListCells.date(text, numbers: .epoch) else {
                    problem(field, "«\(text)» is not a date")
                    return nil
                }
                return date
            }
            let number = value(.registerNumber).map(registerNumber)
            if number == nil { problem(.registerNumber, "the register number is missing; the item cannot be keyed") }
            let rawName = value(.name).map(ListCells.withoutPersonalIdentifiers).flatMap { $0.isEmpty ? nil : $0 }
            if rawName == nil { problem(.name, "the name is missing") }
            let included = date(.included)
            if included == nil, value(.included) == nil {
                problem(.included, "the inclusion date is missing; the item cannot be keyed")
            }
            let excluded = date(.excluded)
            let basisText = value(.legalBasis)
            let basis = basisText.flatMap(LegalBasis.recognise)
            if let basisText, basis == nil {
                problem(.legalBasis, "«\(basisText)» names none of the register's laws; no category", warning: true)
            }
            let hasErrors = problems.contains { $0.severity == .error }
            parse.problems += problems
            guard !hasErrors, let number, let rawName, let included else { continue }
            let key = "\(number)/\(included)"
            if let first = firstItemOfKey[key] {
                parse.problems.append(InputProblem(file: source, line: line, field: Field.registerNumber.rawValue,
                                                   message: "\(key) is already item \(first)'s; this item is left out"))
                continue
            }
            firstItemOfKey[key] = line
            let parts = OfficialName.split(rawName)
            parse.entries.append(ListEntry(
                list: .minjustForeignAgents, key: key, type: .foreignAgent, row: line, rawName: rawName,
                nameRU: parts.ru, nameEN: parts.en, country: parts.country, countryCode: parts.countryCode,
                designated: included, delisted: excluded, legalBasis: basisText, category: basis?.category,
                subjectKind: subjectKind(kind: value(.kind), name: parts.ru ?? rawName, basis: basis),
                websites: websites(value(.websites)), excluded: excluded != nil))
        }
        return parse
    }

    /// The same from a parsed registry response: the `{values: […]}` object or the `values` array itself. Only scalar
    /// fields are read; a nested value is ignored like any field not read.
    package static func entries(registryValues node: SourceNode, source: String = "minjust-foreign-agents") -> ListParse {
        var list = node
        if case .map(let pairs, _) = node, let values = pairs.first(where: { $0.key == "values" })?.value { list = values }
        guard case .list(let items, _) = list else {
            var parse = ListParse()
            parse.problems.append(InputProblem(file: source, line: node.line, field: "values",
                                               message: "expected the registry's list of values"))
            return parse
        }
        let flattened: [[String: String?]] = items.map { item in
            guard case .map(let pairs, _) = item else { return [:] }
            var fields: [String: String?] = [:]
            for (key, value) in pairs where Field(rawValue: key) != nil {
                switch value {
                case .scalar(let text, _): fields[key] = .some(text)
                case .null: fields[key] = .some(nil)
                case .list, .map: break
                }
            }
            return fields
        }
        return entries(registryValues: flattened, source: source)
    }

    /// A register number's digits (`1234.0` from a JSON float is `1234`); any other text as written.
    static func registerNumber(_ text: String) -> String {
        var text = text
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// Addresses and domains in a websites cell, separated by white space, commas or semicolons.
    static func websites(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }).map(String.init)
    }

    /// A person for «Физическое лицо» (or the 272-FZ individuals' register, or a name with a patronymic when the
    /// list says nothing), an organisation otherwise.
    static func subjectKind(kind: String?, name: String, basis: LegalBasis?) -> SubjectKind {
        if let kind = kind?.lowercased() {
            return kind.contains("физическ") || kind.contains("individual") ? .person : .organisation
        }
        if basis == .individual { return .person }
        let words = name.split(separator: " ")
        let patronymic = ["вич", "вна", "ична", "оглы", "кызы", "улы"]
        let looksLikePerson = (2...4).contains(words.count) && !name.contains("«") && !name.contains("\"")
            && words.allSatisfy { $0.first?.isUppercase == true && $0.allSatisfy { $0.isLetter || $0 == "-" } }
            && words.contains { word in patronymic.contains { word.lowercased().hasSuffix($0) } }
        return looksLikePerson ? .person : .organisation
    }
}
