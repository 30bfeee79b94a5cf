import CaseWatchModel

/// The cases page's search: an id or name substring, a country, a type, a status, and the page asked for. A pure
/// value: the store hands it every last-seen case, it returns the page's share.
struct ConsoleCaseQuery: Sendable, Equatable {
    var text = ""
    var country = ""
    var type = ""
    var status = ""
    var page = 1
    static let pageSize = 50

    init(text: String = "", country: String = "", type: String = "", status: String = "", page: Int = 1) {
        self.text = text
        self.country = country
        self.type = type
        self.status = status
        self.page = max(1, page)
    }

    /// From the page's query string; unknown values simply match nothing.
    init(parameters: [String: String]) {
        self.init(text: parameters["q"]?.trimmingCharacters(in: .whitespaces) ?? "",
                  country: parameters["country"] ?? "", type: parameters["type"] ?? "",
                  status: parameters["status"] ?? "", page: parameters["page"].flatMap { Int($0) } ?? 1)
    }

    func matches(_ legalCase: LegalCase) -> Bool {
        if !country.isEmpty, legalCase.country != country { return false }
        if !type.isEmpty, legalCase.type.rawValue != type { return false }
        if !status.isEmpty, legalCase.status.rawValue != status { return false }
        guard !text.isEmpty else { return true }
        return ([legalCase.id] + Array(legalCase.subject.name.values)).contains {
            $0.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
    }

    /// The matching cases of this page, by id, with how many matched and how many pages they fill.
    func select(_ cases: [LegalCase]) -> (cases: [LegalCase], total: Int, pageCount: Int) {
        let matching = cases.filter(matches).sorted { $0.id < $1.id }
        let pageCount = max(1, (matching.count + Self.pageSize - 1) / Self.pageSize)
        let start = min(matching.count, (min(page, pageCount) - 1) * Self.pageSize)
        return (Array(matching[start..<min(matching.count, start + Self.pageSize)]), matching.count, pageCount)
    }

    /// The address of another page of the same search.
    func url(page: Int) -> String {
        var items = [("q", text), ("country", country), ("type", type), ("status", status)].filter { !$0.1.isEmpty }
        items.append(("page", String(page)))
        return "/console/cases?" + items.map { "\($0.0)=\(ConsoleText.queryEscaped($0.1))" }.joined(separator: "&")
    }
}
