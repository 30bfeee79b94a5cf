import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import Foundation
import Testing

@Suite("Routing")
struct RouterTests {
    let ruling = ChangeDetector.events(previous: CaseFixtures.helsinki, current: CaseFixtures.helsinkiRuled,
                                       detectedAt: CaseFixtures.detectedAt)[0]

    static let filters: [(String, SubscriberFilter, [String]?)] = [
        ("no filter", SubscriberFilter(), ["no filter: every event"]),
        ("country", SubscriberFilter(countries: ["RU"]), ["countries: RU"]),
        ("other country", SubscriberFilter(countries: ["BY"]), nil),
        ("type", SubscriberFilter(types: [.liquidation, .undesirable]), ["types: liquidation"]),
        ("other type", SubscriberFilter(types: [.criminal]), nil),
        ("event", SubscriberFilter(events: [.statusChanged]), ["events: case.status_changed"]),
        ("other event", SubscriberFilter(events: [.hearingScheduled]), nil),
        ("status", SubscriberFilter(statuses: [.rulingIssued, .inForce]), ["statuses: ruling_issued"]),
        ("other status", SubscriberFilter(statuses: [.inForce]), nil),
        ("case", SubscriberFilter(cases: ["moscow-helsinki-group-liquidation"]), ["cases: moscow-helsinki-group-liquidation"]),
        ("other case", SubscriberFilter(cases: ["sova-center-liquidation"]), nil),
        ("tag", SubscriberFilter(tags: ["memorial", "helsinki-group"]), ["tags: helsinki-group"]),
        ("other tag", SubscriberFilter(tags: ["memorial"]), nil),
        ("empty list matches all", SubscriberFilter(tags: []), ["no filter: every event"]),
        ("all keys must match", SubscriberFilter(countries: ["RU"], types: [.criminal]), nil),
        ("several keys", SubscriberFilter(countries: ["RU"], events: [.statusChanged]),
         ["countries: RU", "events: case.status_changed"]),
    ]

    @Test("filters match on every given key and say why", arguments: filters)
    func filter(name: String, filter: SubscriberFilter, reasons: [String]?) {
        #expect(Router.match(ruling, filter) == reasons, "\(name)")
    }

    @Test("channels follow the subscriber's addresses and the suppressions")
    func channels() {
        let both = Subscriber(id: "both", name: "Both", email: "a@example.org",
                              webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        let mailOnly = Subscriber(id: "mail", name: "Mail", email: "m@example.org")
        let routes = Router.routes(for: ruling, subscribers: [both, mailOnly])
        #expect(routes.map(\.subscriber.id) == ["both", "mail"])
        #expect(routes[0].channels == [.email, .webhook])
        let suppressed = Router.routes(for: ruling, subscribers: [both, mailOnly], suppressions: Suppressions(
            [.email: ["both", "mail"]]))
        #expect(suppressed.map(\.subscriber.id) == ["both"])
        #expect(suppressed[0].channels == [.webhook])
        let none = Router.routes(for: ruling, subscribers: [both], suppressions: Suppressions(
            [.email: ["both"], .webhook: ["both"]]))
        #expect(none.isEmpty)
    }
}
