import CaseWatchModel
import Foundation

/// Who an alert is rendered for, as far as its words depend on them: the language, the time zone dates and times
/// are given in, and what is done with links to websites of listed subjects.
package struct Reader: Sendable, Hashable {
    package var language: Language
    package var timeZone: String
    package var sourcesPolicy: SourcesPolicy

    package init(language: Language, timeZone: String = "UTC", sourcesPolicy: SourcesPolicy = .all) {
        self.language = language
        self.timeZone = timeZone
        self.sourcesPolicy = sourcesPolicy
    }

    package init(_ subscriber: Subscriber) {
        self.init(language: subscriber.language, timeZone: subscriber.timezone, sourcesPolicy: subscriber.sourcesPolicy)
    }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }
}

/// What the renderer knows of the world beyond one case: the gazetteer, and the websites of the subjects of active
/// undesirable or extremist designations (links to them endanger readers in Russia).
package struct RenderingFacts: Sendable {
    package var gazetteer: Gazetteer
    package var listedDomains: Set<String>

    package init(gazetteer: Gazetteer = .empty, listedDomains: Set<String> = []) {
        self.gazetteer = gazetteer
        self.listedDomains = listedDomains
    }

    /// The websites of the subjects whose designation endangers readers, from the cases.
    package static func listedDomains(in cases: some Sequence<LegalCase>) -> Set<String> {
        var domains: Set<String> = []
        for legalCase in cases where legalCase.endangersReaders { domains.formUnion(legalCase.subject.websites) }
        return domains
    }

    /// Whether `url` is on a listed website (the domain or one below it).
    package func isListed(_ url: String) -> Bool {
        guard !listedDomains.isEmpty, let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        var domain = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        while true {
            if listedDomains.contains(domain) { return true }
            guard let dot = domain.firstIndex(of: ".") else { return false }
            domain = String(domain[domain.index(after: dot)...])
            if !domain.contains(".") { return false }
        }
    }
}
