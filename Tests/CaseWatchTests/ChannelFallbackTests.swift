import CaseWatchApp
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import CaseWatchTesting
import Foundation
import Logging
import Testing

/// `channels: [matrix, email]`: the first usable channel of the list gets each alert, the others stand by.
@Suite("Channel fallback")
struct ChannelFallbackTests {
    static let room = "https://matrix.example.org/_matrix/client/v3/rooms/%21desk%3Aexample.org"

    func optOut(_ channel: ChannelID, _ address: String, _ kind: OptOut.Kind) -> OptOut {
        OptOut(channel: channel, address: address, kind: kind, reason: "test", since: "2026-01-01T00:00:00Z")
    }

    @Test("the order chooses one channel; a disabled, bounced or unsubscribed one passes to the next", arguments: [
        ([], [ChannelID.matrix]),
        ([OptOut.Kind.disabled], [ChannelID.email]),
        ([OptOut.Kind.unsubscribed], [ChannelID.email]),
    ])
    func order(matrixOff: [OptOut.Kind], expected: [ChannelID]) {
        var subscriber = Subscriber(id: "desk", name: "Desk", email: "desk@example.org",
                                    matrix: MatrixEndpoint(homeserver: "https://matrix.example.org", roomID: "!desk:example.org",
                                                           accessTokenEnv: "TOKEN"))
        #expect(subscriber.deliveryChannels(suppressions: Suppressions()) == [.email, .matrix])  // without the list: both
        subscriber.fallback = ChannelFallback([.matrix, .email])
        let suppressions = Suppressions(matrixOff.map { optOut(.matrix, Self.room, $0) })
        #expect(subscriber.deliveryChannels(suppressions: suppressions) == expected)
    }

    @Test("every listed channel off: no route; an unlisted webhook still gets every alert")
    func unlisted() {
        var subscriber = Subscriber(id: "desk", name: "Desk", email: "desk@example.org",
                                    webhook: WebhookEndpoint(url: "https://hooks.example.org/h", secretEnv: "S"),
                                    matrix: MatrixEndpoint(homeserver: "https://matrix.example.org", roomID: "!desk:example.org",
                                                           accessTokenEnv: "TOKEN"))
        subscriber.fallback = ChannelFallback([.matrix, .email])
        #expect(subscriber.deliveryChannels(suppressions: Suppressions()) == [.webhook, .matrix])
        let bothOff = Suppressions([optOut(.matrix, Self.room, .disabled), optOut(.email, "desk@example.org", .bounced)])
        #expect(subscriber.deliveryChannels(suppressions: bothOff) == [.webhook])
        subscriber.webhook = nil
        let event = ChangeDetector.events(previous: CaseFixtures.helsinki, current: CaseFixtures.helsinkiRuled,
                                          detectedAt: CaseFixtures.detectedAt)[0]
        #expect(Router.routes(for: event, subscribers: [subscriber], suppressions: bothOff).isEmpty)
    }

    @Test("a channels list is checked: known channels the subscriber has, none twice", arguments: [
        ("channels: [matrix, email]\n", [String]()),
        ("channels: [telegram, email]\n",
         ["subscribers/s.yaml:5: channels[0]: telegram is not one of this subscriber's channels: give telegram: first (it has: email, matrix)"]),
        ("channels: [email, email]\n",
         ["subscribers/s.yaml:5: channels[1]: email is listed twice: each channel once, most preferred first"]),
        ("channels: [matrx]\n",
         [#"subscribers/s.yaml:5: channels[0]: "matrx" is not a channel (did you mean "matrix"?)"#]),
        ("channels: []\n",
         ["subscribers/s.yaml:5: channels: an empty list: name the channels in order of preference, or leave channels out for every channel"]),
    ])
    func validation(line: String, expected: [String]) throws {
        let directory = try TemporaryDirectory()
        try directory.write("subscribers/s.yaml", """
            id: desk
            name: Desk
            email: desk@example.org
            matrix: {homeserver: "https://matrix.example.org", room_id: "!desk:example.org", access_token_env: TOKEN}
            \(line)
            """)
        let load = SubscriberDirectory(displayPath: "subscribers/", url: directory.url.appendingPathComponent("subscribers"))
            .load(environment: ["TOKEN": "syt_token"])
        #expect(load.problems.map(\.description) == expected)
        if expected.isEmpty { #expect(load.subscribers.first?.fallback == ChannelFallback([.matrix, .email])) }
    }

    /// A set-up whose Matrix and e-mail go to files, one subscriber preferring Matrix, then e-mail.
    func workspace() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("casewatch-fallback")
        try RepositoryFiles.copy(["templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            matrix: {transport: file, directory: var/matrix}
            delivery: {hold: 0s}

            """)
        try directory.write("subscribers/desk.yaml", """
            id: desk
            name: Desk
            email: desk@example.org
            matrix: {homeserver: "https://matrix.example.org", room_id: "!desk:example.org", access_token_env: TOKEN}
            channels: [matrix, email]

            """)
        try writeCase(in: directory, steps: ["{date: 2026-11-20, status: claim_filed}"])
        return directory
    }

    func writeCase(in directory: TemporaryDirectory, steps: [String]) throws {
        try directory.write("registry/sova.yaml", """
            id: sova-center-liquidation
            subject: {kind: organisation, name: {en: SOVA Center}}
            country: RU
            type: liquidation
            history:
            \(steps.map { "  - \($0)" }.joined(separator: "\n"))

            """)
    }

    /// The channels of the outbox entries written for the case's new step, with the Matrix room on or off.
    func plannedChannels(matrixDisabled: Bool) async throws -> [ChannelID] {
        let directory = try workspace()
        let path = directory.url.appendingPathComponent("casewatch.yml").path
        let runner = CycleRunner(configuration: try Configuration.load(path: path), environment: ["TOKEN": "syt_token"],
                                 logger: Logger(label: "test"))
        _ = try await runner.runOnce(dryRun: false, now: Date())  // first sync: silent
        let store = try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
        if matrixDisabled {
            try await store.optOut(optOut(.matrix, Self.room, .disabled))
        }
        try writeCase(in: directory, steps: ["{date: 2026-11-20, status: claim_filed}",
                                             "{date: 2026-11-27, status: ruling_issued, outcome: granted}"])
        _ = try await runner.runOnce(dryRun: false, now: Date())
        return try await store.outboxEntries().filter { $0.subscriberID == "desk" }.map(\.channel)
    }

    @Test("matrix enabled: only the room gets the alert")
    func matrixEnabled() async throws {
        #expect(try await plannedChannels(matrixDisabled: false) == [.matrix])
    }

    @Test("matrix disabled: the e-mail gets the alert")
    func matrixDisabled() async throws {
        #expect(try await plannedChannels(matrixDisabled: true) == [.email])
    }

    @Test("check refuses a wrong channels list, naming file, line and field (exit 65)")
    func check() throws {
        let directory = try workspace()
        try directory.write("subscribers/desk.yaml", """
            id: desk
            name: Desk
            email: desk@example.org
            matrix: {homeserver: "https://matrix.example.org", room_id: "!desk:example.org", access_token_env: TOKEN}
            channels: [matrix, telegram, matrix]

            """)
        let result = try CommandRunner(directory: directory.url, environment: ["TOKEN": "syt_token"]).run(["check"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("subscribers/desk.yaml:5: channels[1]: telegram is not one of this subscriber's channels"),
                "\(result.stderr)")
        #expect(result.stderr.contains("subscribers/desk.yaml:5: channels[2]: matrix is listed twice"))
    }
}
