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

    /// A fixed case with every field filled, so every template section shows.
    static var legalCase: LegalCase {
        var legalCase = CaseFixtures.helsinkiRuled
        legalCase.subject.name["fr"] = "Groupe Helsinki de Moscou"
        legalCase.caseNumber = "3а-0001/2023"
        legalCase.nextHearing = Hearing(date: CalendarDate("2023-04-27")!, time: "10:00", court: "First Appellate Court")
        legalCase.history[1].note = "Moscow City Court orders liquidation"
        return legalCase
    }

    static func event(_ type: EventType) -> CaseEvent {
        var event = PreviewEvent.make(type: type, legalCase: legalCase, now: CaseFixtures.detectedAt)
        if type == .statusChanged { event.change.from = .claimFiled }
        return event
    }

    static let cases: [(EventType, Language)] = EventType.allCases.flatMap { type in
        Language.allCases.map { (type, $0) }
    }

    @Test("every event type in every language matches its golden files", arguments: cases)
    func golden(type: EventType, language: Language) throws {
        let subscriber = Subscriber(id: "reader", name: "Reader", language: language, email: "reader@example.org")
        let alert = AlertRenderer(templates: Self.templates).render(
            Self.event(type), for: subscriber, unsubscribeURL: "https://alerts.example.org/unsubscribe?token=reader.x")
        let base = "\(type.rawValue).\(language.rawValue)"
        try GoldenFile.check(alert.subject + "\n", named: "\(base).subject")
        try GoldenFile.check(alert.summary + "\n", named: "\(base).summary")
        try GoldenFile.check(alert.text, named: "\(base).txt")
        try GoldenFile.check(alert.html, named: "\(base).html")
        #expect(!alert.subject.isEmpty && !alert.summary.isEmpty)
        #expect(alert.html.contains("https://alerts.example.org/unsubscribe?token=reader.x"))
        #expect(!alert.html.contains("<img") && !alert.html.contains("<script"))
    }

    @Test("text parts are not HTML-escaped; HTML parts are")
    func escaping() {
        var legalCase = Self.legalCase
        legalCase.court = "Court <of> \"Appeal\" & Cassation"
        let event = PreviewEvent.make(type: .statusChanged, legalCase: legalCase, now: CaseFixtures.detectedAt)
        let subscriber = Subscriber(id: "r", name: "R", email: "r@example.org")
        let alert = AlertRenderer(templates: Self.templates).render(event, for: subscriber, unsubscribeURL: nil)
        #expect(alert.text.contains("Court <of> \"Appeal\" & Cassation"))
        #expect(alert.html.contains("Court &lt;of&gt;"))
        #expect(!alert.html.contains("Court <of>"))
    }

    @Test("a missing language falls back to English")
    func fallback() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(at: RepositoryFiles.url("templates"), to: directory.url.appendingPathComponent("t"))
        try FileManager.default.removeItem(
            at: directory.url.appendingPathComponent("t/case.added/email.subject.fr.mustache"))
        let (set, problems) = TemplateSet.load(directory: directory.url.appendingPathComponent("t"), displayPath: "t/")
        #expect(problems.errors.isEmpty)
        let subscriber = Subscriber(id: "r", name: "R", language: .fr, email: "r@example.org")
        let french = AlertRenderer(templates: set).render(Self.event(.added), for: subscriber, unsubscribeURL: nil)
        let english = AlertRenderer(templates: set).render(
            Self.event(.added), for: Subscriber(id: "r", name: "R", language: .en, email: "r@example.org"),
            unsubscribeURL: nil)
        #expect(french.subject == english.subject)  // the English template, with English values
        #expect(french.text != english.text)
        #expect(french.text.contains("Groupe Helsinki de Moscou"))
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
