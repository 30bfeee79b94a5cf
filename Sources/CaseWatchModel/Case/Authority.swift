import Foundation

/// A court or authority of the gazetteer (`authorities/*.yaml`): its names in CaseWatch's languages, what it is,
/// where it sits in the hierarchy, and its time zone (a hearing's time is the court's local time).
package struct Authority: Sendable, Hashable {
    package enum Kind: String, Sendable, CaseIterable {
        case court, prosecutor, ministry, investigator, international
    }

    package enum Level: String, Sendable, CaseIterable {
        case firstInstance = "first_instance"
        case appeal, cassation, supreme, constitutional, international
    }

    package var id: String
    package var kind: Kind
    package var level: Level?
    package var country: String
    package var timezone: String
    /// Names by language code; `en` is always present.
    package var name: [String: String]

    package init(id: String, kind: Kind, level: Level? = nil, country: String, timezone: String,
                 name: [String: String]) {
        self.id = id
        self.kind = kind
        self.level = level
        self.country = country
        self.timezone = timezone
        self.name = name
    }

    package func name(in language: Language) -> String {
        name[language.rawValue] ?? name["en"] ?? id
    }

    package var timeZone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }
}

/// The gazetteer: every authority by id, and the resolution of a case's references to them.
package struct Gazetteer: Sendable {
    package let authorities: [String: Authority]

    package init(_ authorities: [Authority] = []) {
        self.authorities = Dictionary(authorities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package static let empty = Gazetteer()

    package var ids: Set<String> { Set(authorities.keys) }

    /// The authority a reference names by its id; nil for a name written out.
    package func authority(_ reference: LocalizedText?) -> Authority? {
        guard let reference, reference.isPlain else { return nil }
        return authorities[reference.english]
    }

    /// What a reader of `language` is shown for a reference: the gazetteer's name of an id, else the text as
    /// written (in `language` when the file gives it, else English).
    package func name(_ reference: LocalizedText?, in language: Language) -> String? {
        guard let reference else { return nil }
        return authority(reference)?.name(in: language) ?? reference.text(in: language)
    }

    /// Whether a reader of `language` would see an English name the gazetteer does not translate.
    package func isUntranslated(_ reference: LocalizedText?, in language: Language) -> Bool {
        guard let reference, language != .en else { return false }
        if let authority = authority(reference) { return authority.name[language.rawValue] == nil }
        return !reference.has(language)
    }

    /// The time zone of a hearing at `court` in a case of `country`: the court's own, else the country's
    /// (Russian courts publish their times in Moscow time), else UTC.
    package func timeZone(of court: LocalizedText?, country: String) -> TimeZone {
        if let authority = authority(court) { return authority.timeZone }
        return Self.countryTimeZones[country].flatMap(TimeZone.init(identifier:)) ?? .gmt
    }

    /// Where a country's courts date their hearings, when the court is not in the gazetteer.
    static let countryTimeZones = ["RU": "Europe/Moscow", "BY": "Europe/Minsk"]
}
