import CaseWatchModel
import Foundation

extension ListEntry {
    /// The gazetteer ids of the bodies that act on the lists (shipped in `authorities/`).
    package static let ministryOfJustice = "ru-minjust"
    package static let prosecutorGeneral = "ru-prosecutor-general"

    /// The case this entry makes, valid as `CaseDecoder` checks a case file:
    /// - id: the list's prefix and the slug of the stable key (`minjust-undesirable-1076-r-2024-05-13`); a table's,
    ///   its template's result;
    /// - subject: the list's kind and names; `en` is required by the model, so an entry without a Latin name shows
    ///   its Russian name there, as written (never a made-up translation or transliteration); the subject's country
    ///   stays in the entry (the case's `country` is RU, where the designation applies);
    /// - steps, oldest first, only those the case's type allows: `decision` (the Prosecutor General), `listed` with
    ///   the order number as `document`, `designated` with `legal_basis` and `category`, a cancellation of the
    ///   decision as `reported` with a note, `delisted` with the exclusion order's number;
    /// - status and outcome derived from the steps, as the model derives them;
    /// - tags: the list's tag (`import-minjust-undesirable`) and `tag` (a source id, made a slug) when given;
    ///   sources: `source` when it is an http(s) address.
    package func legalCase(tag: String? = nil, source: String? = nil) -> LegalCase {
        let id = list.idPrefix.isEmpty ? ImportSlug.id(prefix: "", key: key) : ImportSlug.id(prefix: list.idPrefix, key: key)
        let fallback = OfficialName.normalized(rawName)
        var names: [String: String] = ["en": nameEN ?? nameRU ?? fallback]
        if let ru = nameRU ?? (nameEN == nil ? fallback : nil) { names["ru"] = ru }
        let subject = Subject(kind: subjectKind, name: names, websites: Self.domains(websites))
        let history = steps
        let derived = LegalCase.derivedStatus(of: history)
        var tags = [list.tag]
        if let extra = tag.map(ImportSlug.slug), !extra.isEmpty, !tags.contains(extra) { tags.append(extra) }
        let sources = source.map { CaseDecoder.isWebAddress($0) ? [$0] : [] } ?? []
        return LegalCase(
            id: id, subject: subject, country: "RU", type: type, status: derived?.status ?? .reported,
            outcome: derived?.outcome, history: history, sources: sources, tags: tags)
    }

    /// The case's steps, oldest first (on one day, in the order the procedure takes), each valid for ``type``.
    package var steps: [CaseStep] {
        let ministry = LocalizedText(Self.ministryOfJustice), prosecutor = LocalizedText(Self.prosecutorGeneral)
        var steps: [(rank: Int, step: CaseStep)] = []
        func add(_ rank: Int, _ step: CaseStep) {
            if type.statuses.contains(step.status) { steps.append((rank, step)) }
        }
        let basis = legalBasis.flatMap(LegalBasis.recognise)
        let designationBasis = type.stepFields.contains("legal_basis") ? basis?.citation ?? legalBasis : nil
        let designationCategory = type.stepFields.contains("category") ? category ?? basis?.category : nil
        if let decision { add(0, CaseStep(date: decision, status: .decision, authority: prosecutor)) }
        if let listed { add(1, CaseStep(date: listed, status: .listed, authority: ministry, document: document)) }
        if let designated {
            add(2, CaseStep(date: designated, status: .designated, authority: ministry,
                            document: type == .undesirable ? document : nil, legalBasis: designationBasis,
                            category: designationCategory))
        }
        if let published { add(3, CaseStep(date: published, status: .published, authority: ministry)) }
        for other in otherSteps { add(4, CaseStep(date: other.date, status: other.status)) }
        if let cancelled, type == .undesirable {
            add(5, CaseStep(date: cancelled, status: .reported, authority: prosecutor, note: Self.cancellationNote))
        }
        if let delisted {
            add(6, CaseStep(date: delisted, status: .delisted, authority: ministry, document: delistingDocument))
        }
        return steps.enumerated().sorted { left, right in
            (left.element.step.date, left.element.rank, left.offset) < (right.element.step.date, right.element.rank, right.offset)
        }.map(\.element.step)
    }

    private static let cancellationNote = LocalizedText([
        "en": "The Prosecutor General's Office cancels its decision declaring the organisation's activities undesirable.",
        "ru": "Генеральная прокуратура РФ отменила решение о признании деятельности организации нежелательной.",
        "fr": "Le Parquet général annule sa décision déclarant indésirables les activités de l'organisation.",
    ])!

    /// The subject's own domains among `websites` (`https://www.Meduza.io/…` → `meduza.io`): addresses on shared
    /// platforms (Telegram, YouTube, VK…) are left out, since marking a platform's every link would be wrong, and so
    /// is anything `CaseDecoder` would not take as a domain.
    static func domains(_ websites: [String]) -> [String] {
        var domains: [String] = []
        for website in websites {
            var host = website.lowercased().trimmingCharacters(in: .whitespaces)
            if let scheme = host.range(of: "://") { host = String(host[scheme.upperBound...]) }
            host = String(host.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" })
            if host.hasPrefix("www.") { host.removeFirst(4) }
            while host.hasSuffix(".") { host.removeLast() }
            guard CaseDecoder.isDomain(host), !sharedPlatforms.contains(host),
                  !sharedPlatforms.contains(where: { host.hasSuffix(".\($0)") }), !domains.contains(host)
            else { continue }
            domains.append(host)
        }
        return domains
    }

    private static let sharedPlatforms: Set<String> = [
        "t.me", "telegram.me", "telegram.org", "youtube.com", "youtu.be", "vk.com", "vk.ru", "ok.ru", "facebook.com",
        "fb.com", "instagram.com", "twitter.com", "x.com", "tiktok.com", "livejournal.com", "dzen.ru", "zen.yandex.ru",
        "yandex.ru", "patreon.com", "boosty.to", "linktr.ee", "soundcloud.com", "medium.com", "substack.com",
        "github.com", "google.com", "apple.com", "spotify.com", "rutube.ru", "twitch.tv", "discord.gg", "wordpress.com",
        "blogspot.com", "tumblr.com", "threads.net", "bsky.app", "mastodon.social", "podcasts.apple.com",
    ]
}
