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

    @Test("a subscriber's own choices: a pause holds back what is detected before it ends; an unfollowed case does not match")
    func choices() {
        var reader = Subscriber(id: "r", name: "R", email: "r@example.org")
        reader.pausedUntil = ruling.detectedAt.addingTimeInterval(60)
        #expect(Router.routes(for: ruling, subscribers: [reader]).isEmpty)
        reader.pausedUntil = ruling.detectedAt
        #expect(Router.routes(for: ruling, subscribers: [reader]).count == 1, "the pause is over")
        reader.filter.unfollowed = [ruling.caseID]
        #expect(Router.routes(for: ruling, subscribers: [reader]).isEmpty)
    }

    @Test("the preference form's fields become choices; a schedule that is not cron changes nothing")
    func preferenceForm() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let chosen = try #require(PreferencePage.choices(
            from: [("language", "ru"), ("delivery", "digest"), ("digest", "0 8 * * 1-5"), ("pause", "7d"),
                   ("cases_shown", "1"), ("unfollow", "a-case"), ("unfollow", "<script>")],
            current: SubscriberPreferences(), now: now))
        #expect(chosen == SubscriberPreferences(language: .ru, delivery: .digest, digest: "0 8 * * 1-5",
                                                pausedUntil: now.addingTimeInterval(7 * 86_400), unfollowed: ["a-case"]))
        #expect(PreferencePage.choices(from: [("digest", "every morning")], current: chosen, now: now) == nil)
        let unticked = PreferencePage.choices(from: [("cases_shown", "1"), ("pause", "none")], current: chosen, now: now)
        #expect(unticked?.unfollowed == [] && unticked?.pausedUntil == nil && unticked?.delivery == .digest)
        // Kept as settings and read back the same.
        let settings = chosen.choices.compactMapValues { $0 }
        #expect(SubscriberPreferences(choices: settings) == chosen)
        let applied = chosen.applied(to: Subscriber(id: "r", name: "R", language: .fr, email: "r@example.org"))
        #expect(applied.language == .ru && applied.delivery == .digest && applied.digest == "0 8 * * 1-5")
    }

    @Test("channels follow the subscriber's addresses and the suppressions")
    func channels() {
        let both = Subscriber(id: "both", name: "Both", email: "a@example.org",
                              webhook: WebhookEndpoint(url: "https://h.example.org", secretEnv: "S"))
        let mailOnly = Subscriber(id: "mail", name: "Mail", email: "m@example.org")
        let routes = Router.routes(for: ruling, subscribers: [both, mailOnly])
        #expect(routes.map(\.subscriber.id) == ["both", "mail"])
        #expect(routes[0].channels == [.email, .webhook])
        func optOut(_ channel: ChannelID, _ address: String, _ kind: OptOut.Kind = .unsubscribed) -> OptOut {
            OptOut(channel: channel, address: address, kind: kind, reason: "r", since: "2026-01-01T00:00:00Z")
        }
        let suppressed = Router.routes(for: ruling, subscribers: [both, mailOnly], suppressions: Suppressions(
            [optOut(.email, "a@example.org"), optOut(.email, "m@example.org")]))
        #expect(suppressed.map(\.subscriber.id) == ["both"])
        #expect(suppressed[0].channels == [.webhook])
        let none = Router.routes(for: ruling, subscribers: [both], suppressions: Suppressions(
            [optOut(.email, "a@example.org", .bounced), optOut(.webhook, "https://h.example.org", .disabled)]))
        #expect(none.isEmpty)
        // An opt-out is the address's: a renamed subscriber keeps it, a new address starts afresh.
        let renamed = Subscriber(id: "renamed", name: "Renamed", email: "A@Example.org")
        let moved = Subscriber(id: "mail", name: "Mail", email: "new@example.org")
        let kept = Router.routes(for: ruling, subscribers: [renamed, moved], suppressions: Suppressions(
            [optOut(.email, "a@example.org"), optOut(.email, "m@example.org")]))
        #expect(kept.map(\.subscriber.id) == ["mail"])
        // An erased address is kept only as a salted hash, and still matches.
        let erased = OptOut(channel: .email, address: EndpointAddress.erasedKey("m@example.org", channel: .email,
                                                                               salt: "pepper"),
                            kind: .erased, reason: "erased", since: "2026-01-01T00:00:00Z")
        #expect(Router.routes(for: ruling, subscribers: [mailOnly], suppressions: Suppressions([erased], salt: "pepper"))
            .isEmpty)
        #expect(!Router.routes(for: ruling, subscribers: [mailOnly], suppressions: Suppressions([erased], salt: "salt"))
            .isEmpty)
    }
}
