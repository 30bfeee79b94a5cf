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

/// `drafts(for:suppressions:generation:now:)` renders each event once per language and fills in each subscriber's
/// name and unsubscribe link; its messages must be byte for byte those of the route-by-route path, which renders
/// every subscriber's alert in full.
@Suite("Alert planner")
struct AlertPlannerTests {
    /// Names that HTML escaping changes, or that test how it works (Mustache escapes whole characters: a quote
    /// with a combining mark stays), with runs of spaces, non-ASCII, and none at all.
    static let names = [
        "Ann & \"Bob\" <x>", "Sarah O'Neill", "\"\u{301}quoted", "  two  spaces  ", "Дмитрий Волков", "Élodie",
        "", "<script>alert('x')</script>", "&amp; already escaped", "tab\there", "👨‍👩‍👧‍👦 family",
    ]

    static func planner(templates: TemplateSet = RenderingTests.templates, subscribers: [Subscriber]) throws
        -> AlertPlanner
    {
        var planner = AlertPlanner(
            subscribers: subscribers, renderer: AlertRenderer(templates: templates),
            composer: try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "test"),
            unsubscribe: UnsubscribeToken(secret: "test-secret"), baseURL: "https://alerts.example.org")
        // Corrections go to the recipients of what they correct: everyone here.
        planner.recipients["evt_preview"] = Set(subscribers.map(\.id))
        return planner
    }

    /// Every name in every language, by e-mail and webhook, e-mail only and webhook only.
    static var subscribers: [Subscriber] {
        var subscribers: [Subscriber] = []
        for language in Language.allCases {
            for (index, name) in names.enumerated() {
                let id = "\(language.rawValue)-\(index)"
                let channels = index % 3
                subscribers.append(Subscriber(
                    id: id, name: name, language: language,
                    email: channels == 2 ? nil : "\(id)@example.org",
                    webhook: channels == 1 ? nil : WebhookEndpoint(url: "https://hooks.example.org/\(id)", secretEnv: "S")))
            }
        }
        return subscribers
    }

    /// The route-by-route drafts: `drafts(for:route:generation:now:)` renders each subscriber's alert in full.
    static func uncached(_ planner: AlertPlanner, _ events: [CaseEvent], now: Date) throws -> [OutboxDraft] {
        var drafts: [OutboxDraft] = []
        for event in events {
            for var route in Router.routes(for: event, subscribers: planner.subscribers, recipients: planner.recipients) {
                if route.subscriber.delivery == .digest { route.channels.removeAll { $0 == .email } }
                guard !route.channels.isEmpty else { continue }
                drafts += try planner.drafts(for: event, route: route, generation: 0, now: now)
            }
        }
        return drafts
    }

    static func expectSame(_ cached: [OutboxDraft], _ uncached: [OutboxDraft]) {
        #expect(cached.count == uncached.count)
        for (one, other) in zip(cached, uncached) {
            #expect(one == other, "\(one.subscriberID) \(one.channel)")
            if one.payload != other.payload {
                let common = min(one.payload.count, other.payload.count)
                let first = (0..<common).first { one.payload[$0] != other.payload[$0] } ?? common
                Issue.record("\(one.subscriberID) \(one.channel): payloads differ at byte \(first)")
            }
        }
    }

    @Test("the per-language cache gives the same messages as rendering each subscriber, in every language",
          arguments: EventType.allCases)
    func cachedEqualsUncached(type: EventType) throws {
        let planner = try Self.planner(subscribers: Self.subscribers)
        let events = [RenderingTests.event(type)]
        let cached = try planner.drafts(for: events, suppressions: Suppressions(), now: CaseFixtures.detectedAt)
        let uncached = try Self.uncached(planner, events, now: CaseFixtures.detectedAt)
        #expect(cached.filter { $0.channel == .email }.count == 3 * 8)
        Self.expectSame(cached, uncached)
        // The names really are in the messages, escaped in the HTML part only.
        let ann = try #require(cached.first { $0.subscriberID == "fr-0" && $0.channel == .email })
        let parts = MIMEParts.decode(ann.payload)
        #expect(parts.count == 2)
        #expect(parts.first?.body.contains("(Ann & \"Bob\" <x>)") == true)
        #expect(parts.last?.body.contains("(Ann &amp; &quot;Bob&quot; &lt;x&gt;)") == true)
    }

    @Test("a stencil's alert equals the renderer's for every name, language and event type")
    func stencilEqualsRenderer() throws {
        let renderer = AlertRenderer(templates: RenderingTests.templates)
        for type in EventType.allCases {
            let event = RenderingTests.event(type)
            for language in Language.allCases {
                for url in ["https://alerts.example.org/unsubscribe?token=a.b&c='d'", nil] {
                    for name in Self.names {
                        let stencil = try #require(AlertStencil(
                            renderer: renderer, event: event, reader: Reader(language: language), hasName: !name.isEmpty,
                            hasURL: url != nil, now: CaseFixtures.detectedAt))
                        let subscriber = Subscriber(id: "s", name: name, language: language)
                        let preferences = url.map { $0.replacingOccurrences(of: "/unsubscribe?", with: "/preferences?") }
                        #expect(stencil.alert(subscriberName: name, unsubscribeURL: url, preferencesURL: preferences)
                            == renderer.render(event, for: subscriber, unsubscribeURL: url, preferencesURL: preferences,
                                               now: CaseFixtures.detectedAt),
                            "\(type) \(language) \(name)")
                    }
                }
            }
        }
    }

    @Test("HTML escaping matches Mustache's, character by character")
    func htmlEscaping() {
        // The unsubscribe page is an HTML template that shows `subscriber_name` once.
        let templates = RenderingTests.templates
        let marked = templates.renderPage(.unsubscribePage, language: .en,
                                          values: ["subscriber_name": AlertStencil.namePlaceholder])
        #expect(marked.contains(AlertStencil.namePlaceholder))
        for name in Self.names + ["'", "\"\u{301}", "<\u{338}", "&\u{20DD}", "a&b", "👍&👍", "&&<<>>\"\"''"] {
            let page = templates.renderPage(.unsubscribePage, language: .en, values: ["subscriber_name": name])
            #expect(page == marked.replacingOccurrences(of: AlertStencil.namePlaceholder,
                                                        with: AlertStencil.htmlEscaped(name)), "\(name)")
        }
    }

    /// Templates that do something with the name or link other than show them (or test them) are refused by the
    /// stencil, and the plan renders every subscriber in full; either way the messages are the same.
    @Test("templates the stencil cannot reproduce are rendered per subscriber", arguments: [
        ("case.status_changed/email.txt.en.mustache", "Dear {{uppercased(subscriber_name)}},\n", false),
        ("case.status_changed/email.txt.en.mustache", "{{#reversed(unsubscribe_url)}}x{{/reversed(unsubscribe_url)}}", true),
        ("case.status_changed/email.html.en.mustache", "<p>{{{subscriber_name}}}</p>\n", false),
        ("case.status_changed/email.html.en.mustache", "<p>{{&unsubscribe_url}}</p>\n", false),
        ("case.status_changed/email.subject.en.mustache", "Alert for  {{subscriber_name}}  ", true),
        ("case.status_changed/summary.en.mustache", "{{^subscriber_name}}Reader{{/subscriber_name}}", true),
    ])
    func unusualTemplates(file: String, template: String, stenciled: Bool) throws {
        let directory = try TemporaryDirectory()
        let folder = directory.url.appendingPathComponent("t")
        try FileManager.default.copyItem(at: RepositoryFiles.url("templates"), to: folder)
        try directory.write("t/\(file)", template)
        let (set, problems) = TemplateSet.load(directory: folder, displayPath: "t/")
        #expect(problems.errors.isEmpty)
        let planner = try Self.planner(templates: set, subscribers: Self.subscribers)
        let events = [RenderingTests.event(.statusChanged)]
        let stencil = AlertStencil(renderer: planner.renderer, event: events[0], reader: Reader(language: .en),
                                   hasName: true, hasURL: true, now: CaseFixtures.detectedAt)
        #expect((stencil != nil) == stenciled)
        let cached = try planner.drafts(for: events, suppressions: Suppressions(), now: CaseFixtures.detectedAt)
        Self.expectSame(cached, try Self.uncached(planner, events, now: CaseFixtures.detectedAt))
    }

    @Test("a case holding the placeholder itself is rendered per subscriber")
    func placeholderInData() throws {
        var legalCase = RenderingTests.legalCase
        legalCase.court = LocalizedText("Court " + AlertStencil.namePlaceholder)
        let event = PreviewEvent.make(type: .statusChanged, legalCase: legalCase, now: CaseFixtures.detectedAt)
        let renderer = AlertRenderer(templates: RenderingTests.templates)
        #expect(AlertStencil(renderer: renderer, event: event, reader: Reader(language: .en), hasName: true, hasURL: true,
                             now: CaseFixtures.detectedAt) == nil)
        let planner = try Self.planner(subscribers: Self.subscribers)
        let cached = try planner.drafts(for: [event], suppressions: Suppressions(), now: CaseFixtures.detectedAt)
        Self.expectSame(cached, try Self.uncached(planner, [event], now: CaseFixtures.detectedAt))
    }

    @Test("webhook bodies from the shared prefix equal the whole body")
    func webhookPrefix() {
        for (type, version) in EventType.allCases.flatMap({ type in [1, 2].map { (type, $0) } }) {
            let event = RenderingTests.event(type)
            let prefix = WebhookPayload.sharedPrefix(event: event, version: version, gazetteer: .empty)
            for name in Self.names {
                let subscriber = Subscriber(id: "id \"\(name)\"", name: name, language: .ru,
                                            webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S",
                                                                     version: version))
                let summary = "Résumé « \(name) »\n\u{1}"
                let body = WebhookPayload.body(sharedPrefix: prefix, subscriber: subscriber, summary: summary)
                #expect(body == WebhookPayload.body(event: event, subscriber: subscriber, summary: summary))
                // Allocated at its exact size (malloc rounds up by less than 32 octets).
                #expect(body.capacity - body.count < 32, "\(body.count) of \(body.capacity)")
                #expect((try? JSONSerialization.jsonObject(with: Data(body))) != nil)
            }
        }
    }
}

extension AlertPlannerTests {
    @Test("chunks hold the same entries in the same order", arguments: [1, 7, 1000])
    func chunks(size: Int) throws {
        let planner = try Self.planner(subscribers: Self.subscribers)
        let events = EventType.allCases.map { RenderingTests.event($0) }
        let whole = try planner.drafts(for: events, suppressions: Suppressions(), now: CaseFixtures.detectedAt)
        var chunked: [OutboxDraft] = []
        var sizes: [Int] = []
        try planner.drafts(for: events, suppressions: Suppressions(), now: CaseFixtures.detectedAt, chunkSize: size) {
            chunked += $0
            sizes.append($0.count)
        }
        #expect(chunked == whole)
        // A route's entries (e-mail and webhook) stay in one chunk.
        #expect(sizes.dropLast().allSatisfy { $0 == size || $0 == size + 1 } && (sizes.last ?? 0) <= size + 1)
    }
}
