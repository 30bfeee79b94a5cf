import CaseWatchTesting
import Foundation
import Testing

@testable import CaseWatchApp
@testable import CaseWatchChannels
@testable import CaseWatchModel
@testable import CaseWatchPipeline
@testable import CaseWatchRendering
@testable import CaseWatchSQLite
@testable import CaseWatchSources
@testable import CaseWatchStore
@testable import InputFormats

@Suite("Rendering the default templates")
struct RenderingTests {
    static let templates: TemplateSet = {
        let (set, problems) = TemplateSet.load(directory: RepositoryFiles.url("templates"), displayPath: "templates/")
        precondition(problems.errors.isEmpty, "\(problems)")
        return set
    }()

    /// The repository's gazetteer.
    static let gazetteer: Gazetteer = {
        let (gazetteer, problems) = AuthorityDirectory(displayPath: "authorities/", url: RepositoryFiles.url("authorities"),
                                                       required: true).load()
        precondition(problems.errors.isEmpty, "\(problems)")
        return gazetteer
    }()

    static var renderer: AlertRenderer { AlertRenderer(templates: templates, facts: RenderingFacts(gazetteer: gazetteer)) }

    /// A fixed case with every field filled, so every template section shows; courts by their gazetteer ids.
    static var legalCase: LegalCase {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.subject.name["fr"] = "Groupe Helsinki de Moscou"
        legalCase.claimant = "ru-minjust-moscow"
        legalCase.court = "ru-moscow-city-court"
        legalCase.caseNumber = "3а-0001/2023"
        legalCase.nextHearing = Hearing(date: CalendarDate("2026-01-15")!, time: "10:00", court: "ru-first-appellate-court")
        legalCase.history[0].authority = "ru-minjust-moscow"
        legalCase.history[1].court = "ru-moscow-city-court"
        legalCase.history[1].deadline = CalendarDate("2023-03-06")
        legalCase.history[1].note = LocalizedText(["en": "Moscow City Court orders liquidation.",
                                                   "ru": "Московский городской суд постановил ликвидировать группу.",
                                                   "fr": "Le tribunal de la ville de Moscou ordonne la dissolution."])
        return legalCase
    }

    static func event(_ type: EventType, for legalCase: LegalCase = legalCase) -> CaseEvent {
        var event = PreviewEvent.make(type: type, legalCase: legalCase, now: detectedAt(type))
        if type == .statusChanged, legalCase.id == Self.legalCase.id { event.change.from = .claimFiled }
        return event
    }

    /// When the fixture's event is made: a reminder as the scheduler would make it (three days and a few hours before
    /// the hearing of 15 January 2026, 10:00 Moscow time; a week before the deadline of 6 March 2023), anything else
    /// at ``CaseFixtures/detectedAt``.
    static func detectedAt(_ type: EventType) -> Date {
        switch type {
        case .hearingReminder: ISO8601DateFormatter().date(from: "2026-01-12T03:30:00Z")!
        case .deadlineReminder: ISO8601DateFormatter().date(from: "2023-02-27T09:00:00Z")!
        default: CaseFixtures.detectedAt
        }
    }

    /// `event` with the evidence detection gives an event about a case of the registry folder: the case file,
    /// read when the event was detected, and the SHA-256 of the case's canonical JSON.
    static func withEvidence(_ event: CaseEvent) -> CaseEvent {
        var event = event
        event.evidence = Evidence(source: "registry/\(event.caseID).yaml", fetchedAt: event.detectedAt,
                                  sha256: event.snapshot.canonicalSHA256)
        return event
    }

    /// A case of the sample registry.
    static func sample(_ id: String) -> LegalCase {
        RegistryFolder(displayPath: "registry/", url: RepositoryFiles.url("registry")).load().cases[id]!
    }

    static let cases: [(EventType, Language)] = EventType.allCases.flatMap { type in
        Language.allCases.map { (type, $0) }
    }

    static func checkGolden(_ alert: RenderedAlert, _ base: String) throws {
        try GoldenFile.check(alert.subject + "\n", named: "\(base).subject")
        try GoldenFile.check(alert.summary + "\n", named: "\(base).summary")
        try GoldenFile.check(alert.text, named: "\(base).txt")
        try GoldenFile.check(alert.html, named: "\(base).html")
        #expect(!alert.subject.isEmpty && !alert.summary.isEmpty)
        #expect(alert.subject.count <= 130, "\(base): \(alert.subject)")
        #expect(!alert.html.contains("<img") && !alert.html.contains("<script"))
    }

    @Test("every event type in every language matches its golden files", arguments: cases)
    func golden(type: EventType, language: Language) throws {
        let subscriber = Subscriber(id: "reader", name: "Reader", language: language, email: "reader@example.org",
                                    timezone: "Europe/Paris")
        let alert = Self.renderer.render(Self.withEvidence(Self.event(type)), for: subscriber,
                                         unsubscribeURL: "https://alerts.example.org/unsubscribe?token=reader.x",
                                         preferencesURL: "https://alerts.example.org/preferences?token=reader.y",
                                         now: Self.detectedAt(type))
        try Self.checkGolden(alert, "\(type.rawValue).\(language.rawValue)")
        #expect(alert.html.contains("https://alerts.example.org/unsubscribe?token=reader.x"))
    }

    @Test("a criminal case, a two-step undesirable case and an international one, in every language, match their golden files",
          arguments: [("oleg-orlov-criminal", EventType.statusChanged), ("oleg-orlov-criminal", .added),
                      ("meduza-undesirable", .statusChanged), ("ecodefence-and-others-ecthr", .statusChanged)],
          Language.allCases)
    func goldenCases(sample: (id: String, type: EventType), language: Language) throws {
        let (id, type) = sample
        let subscriber = Subscriber(id: "reader", name: "Reader", language: language, email: "reader@example.org",
                                    timezone: "Europe/Paris")
        let alert = Self.renderer.render(Self.withEvidence(Self.event(type, for: Self.sample(id))), for: subscriber,
                                         unsubscribeURL: "https://alerts.example.org/unsubscribe?token=reader.x",
                                         preferencesURL: "https://alerts.example.org/preferences?token=reader.y",
                                         now: CaseFixtures.detectedAt)
        try Self.checkGolden(alert, "\(id).\(type.rawValue).\(language.rawValue)")
    }

    @Test("an alert about a step shows that step's facts only: no earlier outcome, the step's own date and court")
    func stepFacts() throws {
        var appealed = Self.legalCase
        appealed.history.append(CaseStep(date: CalendarDate("2023-03-01")!, status: .appealFiled))
        (appealed.status, appealed.outcome) = LegalCase.derivedStatus(of: appealed.history)!
        let event = PreviewEvent.make(type: .statusChanged, legalCase: appealed, now: CaseFixtures.detectedAt)
        for language in Language.allCases {
            let alert = Self.renderer.render(event, for: Subscriber(id: "r", name: "R", language: language),
                                             unsubscribeURL: nil, now: CaseFixtures.detectedAt)
            let lead = alert.text.split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
            let granted = Self.templates.labels(language).outcome(.granted)!
            #expect(!lead.contains(granted), "\(language): \(lead)")
            #expect(!alert.subject.contains(granted), "\(language): \(alert.subject)")
        }
        let added = Self.renderer.render(PreviewEvent.make(type: .added, legalCase: Self.legalCase, now: CaseFixtures.detectedAt),
                                         for: Subscriber(id: "r", name: "R"), unsubscribeURL: nil, now: CaseFixtures.detectedAt)
        #expect(added.subject.contains("(25 Jan 2023)"))  // the latest step's date, not the claim's
        #expect(!added.subject.contains("2022"))
    }

    @Test("no gazetteer court or authority appears in English in a Russian or French alert",
          arguments: [Language.ru, .fr])
    func noEnglishNames(language: Language) throws {
        let english = Set(Self.gazetteer.authorities.values.compactMap { authority in
            authority.name[language.rawValue] != nil ? authority.name["en"] : nil
        })
        for legalCase in CaseJSONReaderTests.sampleCases {
            for type in EventType.allCases {
                let alert = Self.renderer.render(Self.event(type, for: legalCase),
                                                 for: Subscriber(id: "r", name: "R", language: language),
                                                 unsubscribeURL: nil, now: CaseFixtures.detectedAt)
                for name in english {
                    let found = alert.text.contains(name) || alert.subject.contains(name)
                    #expect(!found, "\(legalCase.id) \(type): \(name)")
                }
            }
        }
    }

    @Test("a foreign-agent designation cites its law in the reader's language; a citation the labels do not know is shown as written",
          arguments: [(Language.ru, "ст. 32 Федерального закона «О некоммерческих организациях»"),
                      (.fr, "loi fédérale sur les organisations à but non lucratif, art. 32"),
                      (.en, "Federal Law on Non-Commercial Organisations, art. 32")])
    func legalBasis(language: Language, citation: String) throws {
        var legalCase = Self.sample("sakharov-center-foreign-agent")
        let designation = try #require(legalCase.history.firstIndex { $0.legalBasis == "NGO law art. 32" })
        let subscriber = Subscriber(id: "r", name: "R", language: language)
        let alert = Self.renderer.render(Self.event(.added, for: legalCase), for: subscriber, unsubscribeURL: nil,
                                         now: CaseFixtures.detectedAt)
        #expect(alert.text.contains(citation) && alert.html.contains(citation), "\(alert.text)")
        if language != .en { #expect(!alert.text.contains("NGO law")) }
        legalCase.history[designation].legalBasis = "Federal Law 121-FZ (2012)"
        let unknown = Self.renderer.render(Self.event(.added, for: legalCase), for: subscriber, unsubscribeURL: nil,
                                           now: CaseFixtures.detectedAt)
        #expect(unknown.text.contains("Federal Law 121-FZ (2012)"))
    }

    @Test("sources_policy: links to websites of listed subjects shown, marked, or left out and counted",
          arguments: [SourcesPolicy.all, .annotateListed, .omitListed])
    func sourcesPolicy(policy: SourcesPolicy) throws {
        var legalCase = Self.legalCase
        legalCase.sources = ["https://meduza.io/news/1", "https://www.coe.int/x", "https://en.meduza.io/y"]
        let facts = RenderingFacts(gazetteer: Self.gazetteer, listedDomains: ["meduza.io"])
        let renderer = AlertRenderer(templates: Self.templates, facts: facts)
        let alert = renderer.render(Self.event(.statusChanged, for: legalCase),
                                    for: Subscriber(id: "r", name: "R", sourcesPolicy: policy), unsubscribeURL: nil,
                                    now: CaseFixtures.detectedAt)
        switch policy {
        case .all:
            #expect(alert.text.contains("https://meduza.io/news/1") && !alert.text.contains("[!]"))
        case .annotateListed:
            #expect(alert.text.contains("https://meduza.io/news/1 [!]") && alert.text.contains("https://en.meduza.io/y [!]"))
            #expect(alert.text.contains("https://www.coe.int/x\n"))
            #expect(alert.html.contains("“undesirable”"))
        case .omitListed:
            #expect(!alert.text.contains("meduza.io") && !alert.html.contains("meduza.io"))
            #expect(alert.text.contains("https://www.coe.int/x"))
            #expect(alert.text.contains("2 link(s)"))
        }
    }

    @Test("the digest groups its events by case, and a one-day period is one date")
    func digest() throws {
        let subscriber = Subscriber(id: "r", name: "R", email: "r@example.org", delivery: .digest, digest: "0 8 * * *")
        let events = [Self.event(.statusChanged), Self.event(.hearingScheduled),
                      Self.event(.statusChanged, for: Self.sample("meduza-undesirable"))]
        let day = ISO8601DateFormatter().date(from: "2025-11-26T08:00:00Z")!
        let alert = Self.renderer.renderDigest(events, for: subscriber, unsubscribeURL: "https://u.example.org",
                                               start: day.addingTimeInterval(-3600), end: day)
        #expect(alert.subject.contains("26 November 2025: 3 alert(s), 2 case(s)"))
        #expect(!alert.subject.contains("–"))
        let text = alert.text
        #expect(text.components(separatedBy: "Moscow Helsinki Group — Russia").count == 2)  // one heading per case
        let longer = Self.renderer.renderDigest(events, for: subscriber, unsubscribeURL: nil,
                                                start: day.addingTimeInterval(-3 * 86400), end: day)
        #expect(longer.subject.contains("23 November 2025 – 26 November 2025"))
        #expect(!longer.html.contains(">https://"))  // links show their site, not a wall of addresses
    }

    @Test("text parts are not HTML-escaped; HTML parts are")
    func escaping() {
        var legalCase = Self.legalCase
        legalCase.court = "Court <of> \"Appeal\" & Cassation"
        let event = PreviewEvent.make(type: .statusChanged, legalCase: legalCase, now: CaseFixtures.detectedAt)
        let subscriber = Subscriber(id: "r", name: "R", email: "r@example.org")
        let alert = Self.renderer.render(event, for: subscriber, unsubscribeURL: nil)
        #expect(alert.text.contains("Court <of> \"Appeal\" & Cassation"))
        #expect(alert.html.contains("Court &lt;of&gt;"))
        #expect(!alert.html.contains("Court <of>"))
    }

    @Test("a template missing from the operator's folder is the shipped one in the reader's language, not English")
    func fallback() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(at: RepositoryFiles.url("templates"), to: directory.url.appendingPathComponent("t"))
        try FileManager.default.removeItem(
            at: directory.url.appendingPathComponent("t/case.added/email.subject.fr.mustache"))
        try "Operator's own: {{case_name}}".write(
            to: directory.url.appendingPathComponent("t/case.added/email.subject.en.mustache"), atomically: true,
            encoding: .utf8)
        let (set, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("t"), displayPath: "t/")
        #expect(problems.errors.isEmpty)
        #expect(problems.contains { $0.message.contains("case.added/email.subject.fr.mustache") })
        let subscriber = Subscriber(id: "r", name: "R", language: .fr, email: "r@example.org")
        let french = AlertRenderer(templates: set).render(Self.event(.added), for: subscriber, unsubscribeURL: nil)
        let english = AlertRenderer(templates: set).render(
            Self.event(.added), for: Subscriber(id: "r", name: "R", language: .en, email: "r@example.org"),
            unsubscribeURL: nil)
        #expect(english.subject.hasPrefix("Operator's own: "))
        #expect(french.subject.hasPrefix("Nouvelle affaire"), "\(french.subject)")
        #expect(french.subject.contains("Groupe Helsinki de Moscou"))
    }

    @Test("a broken template is reported with file and line")
    func brokenTemplate() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(at: RepositoryFiles.url("templates"), to: directory.url.appendingPathComponent("t"))
        try directory.write("t/case.updated/email.txt.ru.mustache", "Первая строка\nвторая {{#court}} строка\n")
        let (_, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("t"), displayPath: "templates/")
        let errors = problems.errors.map(\.description)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("templates/case.updated/email.txt.ru.mustache:") == true)
        #expect(errors.first?.contains("Mustache") == true)
    }

    @Test("every HTML e-mail extends the shared frame; a template naming a partial that is not there is reported")
    func partials() throws {
        let (templates, problems) = TemplateSet.load(directory: RepositoryFiles.url("templates"), displayPath: "templates/")
        #expect(problems.errors.isEmpty)
        for language in Language.allCases {
            #expect(templates.partials.getTemplate(named: "email-frame.\(language.rawValue)") != nil)
        }
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(at: RepositoryFiles.url("templates"), to: directory.url.appendingPathComponent("t"))
        try directory.write("t/case.removed/email.html.fr.mustache", "{{<email-frame.fr}}\n{{$content}}\n{{> footnote.fr}}\n"
                            + "{{/content}}\n{{/email-frame.fr}}\n")
        let (_, broken) = TemplateSet.load(directory: directory.url.appendingPathComponent("t"), displayPath: "templates/")
        #expect(broken.errors.map(\.description)
            == ["templates/case.removed/email.html.fr.mustache:3: no partial templates/partials/footnote.fr.mustache"])
    }
}
