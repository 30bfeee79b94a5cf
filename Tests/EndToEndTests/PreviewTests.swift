import CaseWatchApp
import CaseWatchChannels
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSQLite
import CaseWatchSources
import CaseWatchStore
import InputFormats
import CaseWatchTesting
import Foundation
import Logging
import Testing

/// `casewatch preview` for every example subscriber and every event type, on the sample set-up.
@Suite("preview")
struct PreviewTests {
    static let subscribers = ["ru-journalist", "coe-commissioner", "en-digest-reader", "memorial-lawyer"]
    static let casewatch: CommandRunner = {
        let directory = try! TemporaryDirectory("casewatch-preview")
        try! RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        // The folder lives as long as the test process; it is under the system's temporary directory.
        _ = Unmanaged.passRetained(directory)
        return CommandRunner(directory: directory.url,
                             environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
    }()

    @Test("shows the whole message or request", arguments: subscribers, EventType.allCases)
    func preview(subscriber: String, event: EventType) throws {
        let result = try Self.casewatch.run([
            "preview", "--case", "international-memorial-liquidation", "--subscriber", subscriber,
            "--event", event.rawValue,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# evt_") && result.stdout.contains(event.rawValue))
        if subscriber == "coe-commissioner" {
            #expect(result.stdout.contains("POST https://hooks.example.org/casewatch"))
            #expect(result.stdout.contains("webhook-signature: v1,"))
            #expect(result.stdout.contains(#""subscriber":"coe-commissioner","language":"fr""#))
        } else {
            #expect(result.stdout.contains("\nSubject: "))
            #expect(result.stdout.contains("--- text/plain; charset=utf-8 (decoded) ---"))
            #expect(result.stdout.contains("--- text/html; charset=utf-8 (decoded) ---"))
            #expect(result.stdout.contains("International Memorial") || result.stdout.contains("Мемориал"))
        }
    }

    @Test("an unknown case or subscriber is bad input")
    func unknown() throws {
        #expect(try Self.casewatch.run(["preview", "--case", "nope", "--subscriber", "ru-journalist"]).status == 65)
        #expect(try Self.casewatch.run(["preview", "--case", "sova-center-liquidation", "--subscriber", "nope"])
            .status == 65)
    }

    @Test("--log-format json writes one JSON object per log line")
    func jsonLogs() throws {
        // A set-up of its own: a run creating the store while a preview opens it would race.
        let directory = try TemporaryDirectory("casewatch-json-logs")
        try RepositoryFiles.copy(["registry", "authorities", "subscribers", "templates", "casewatch.yml"], into: directory)
        let casewatch = CommandRunner(directory: directory.url,
                                      environment: ["COE_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        let result = try casewatch.run(["run", "--once", "--verbose", "--log-format", "json"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String)
        }
        // The run's summary on stdout is a JSON object too, with the same counts the human line gives.
        let summary = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        let cycle = try #require(object["cycle"] as? [String: Int])
        #expect(object["message"] as? String == "cycle done")
        #expect(cycle["registry_cases"] == 29 && cycle["events_recorded"] != nil && cycle["sent"] != nil, "\(cycle)")
    }

    @Test("--version names the release")
    func version() throws {
        let result = try Self.casewatch.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "2.0.0\n")
    }

    @Test("--channel shows that channel's form: Matrix's body and formatted_body, Telegram's messages after splitting")
    func channelForms() throws {
        let directory = try TemporaryDirectory("casewatch-preview-channels")
        try RepositoryFiles.copy(["registry", "authorities", "templates", "casewatch.yml"], into: directory)
        try directory.write("subscribers/desk.yaml", """
            id: desk
            name: Desk
            language: ru
            email: desk@example.org
            matrix: {homeserver: "https://matrix.example.org", room_id: "!desk:example.org", access_token_env: CW_MATRIX_TOKEN}
            telegram: {chat_id: "-1001234567890", bot_token_env: CW_TELEGRAM_TOKEN}

            """)
        let casewatch = CommandRunner(directory: directory.url, environment: [
            "CW_MATRIX_TOKEN": "syt_matrix_token_never_shown", "CW_TELEGRAM_TOKEN": "123456:telegram-token-never-shown",
        ])
        let alert = ["preview", "--case", "moscow-helsinki-group-liquidation", "--subscriber", "desk"]
        let matrix = try casewatch.run(alert + ["--channel", "matrix"])
        #expect(matrix.status == 0, "\(matrix.stderr)")
        #expect(matrix.stdout.contains("== matrix → https://matrix.example.org/_matrix/client/v3/rooms/%21desk%3Aexample.org"))
        #expect(matrix.stdout.contains("PUT https://matrix.example.org/_matrix/client/v3/rooms/%21desk%3Aexample.org/send/m.room.message/"))
        #expect(matrix.stdout.contains("--- m.notice body ---\n"))
        #expect(matrix.stdout.contains("--- formatted_body (org.matrix.custom.html) ---\n"))
        #expect(matrix.stdout.contains("Московская Хельсинкская группа"))
        #expect(!matrix.stdout.contains("Subject:") && !matrix.stdout.contains("sendMessage"))

        let telegram = try casewatch.run(alert + ["--channel", "telegram"])
        #expect(telegram.status == 0, "\(telegram.stderr)")
        #expect(telegram.stdout.contains("POST https://api.telegram.org/bot<$CW_TELEGRAM_TOKEN>/sendMessage"))
        #expect(telegram.stdout.contains("--- message 1 of 1, parse_mode HTML (decoded) ---\n<b>"))
        #expect(!telegram.stdout.contains("m.notice") && !telegram.stdout.contains("Subject:"))

        let email = try casewatch.run(alert + ["--channel", "email"])
        #expect(email.status == 0 && email.stdout.contains("\nSubject: ") && !email.stdout.contains("sendMessage"))

        let every = try casewatch.run(alert)
        #expect(every.status == 0)
        for header in ["== email → desk@example.org", "== matrix → ", "== telegram → -1001234567890"] {
            #expect(every.stdout.contains(header), "\(header)")
        }
        for output in [matrix, telegram, email, every] {
            #expect(!output.output.contains("never_shown") && !output.output.contains("never-shown"))
        }

        let missing = try casewatch.run(alert + ["--channel", "webhook"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("--channel: desk has no webhook endpoint (it has: email, matrix, telegram)"))
        #expect(try casewatch.run(alert + ["--channel", "fax"]).status == 64)
    }

    /// Three digest readers, one per language, each by e-mail and in a Matrix room, on the sample registry.
    static func digestWorkspace() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("casewatch-digest-preview")
        try RepositoryFiles.copy(["registry", "authorities", "templates"], into: directory)
        try directory.write("casewatch.yml", """
            state: var/casewatch.sqlite
            registry: {sources: [{path: registry/}]}
            email: {transport: file, directory: var/mail, from: "CaseWatch <alerts@example.org>"}
            webhooks: {transport: file, directory: var/webhooks}
            matrix: {transport: file, directory: var/matrix}
            delivery: {hold: 0s}
            http: {base_url: "https://alerts.example.org", token_secret_env: CASEWATCH_TOKEN_SECRET}

            """)
        for (language, zone) in [("en", "Europe/London"), ("ru", "Europe/Moscow"), ("fr", "Europe/Paris")] {
            try directory.write("subscribers/\(language)-digest.yaml", """
                id: \(language)-digest
                name: Digest \(language)
                language: \(language)
                email: digest-\(language)@example.org
                matrix: {homeserver: "https://matrix.example.org", room_id: "!\(language):example.org", access_token_env: TOKEN}
                delivery: digest
                digest: "0 8 * * MON-FRI"
                timezone: \(zone)
                filter: {countries: [RU]}

                """)
        }
        return directory
    }

    static let digestEnvironment: ProcessEnvironment = ["CASEWATCH_TOKEN_SECRET": "token-secret-for-tests", "TOKEN": "syt_t"]

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// One `run --once` at `now`, as cron would run it.
    static func cycle(_ directory: TemporaryDirectory, _ now: String) async throws {
        let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
        _ = try await CycleRunner(configuration: configuration, environment: digestEnvironment,
                                  logger: Logger(label: "test")).runOnce(dryRun: false, now: at(now))
    }

    static func digestPreview(_ directory: TemporaryDirectory, _ subscriber: String, _ now: String,
                              channel: ChannelID? = nil) async throws -> String {
        let configuration = try Configuration.load(path: directory.url.appendingPathComponent("casewatch.yml").path)
        let store = try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
        return try await DigestPreview(configuration: configuration, environment: digestEnvironment)
            .render(subscriberID: subscriber, channel: channel, store: store, now: at(now)).joined(separator: "\n") + "\n"
    }

    /// What the preview must leave as it was: each reader's digest progress, the outbox, the settings.
    static func storeState(_ directory: TemporaryDirectory) async throws -> String {
        let store = try SQLiteStateStore(path: directory.url.appendingPathComponent("var/casewatch.sqlite").path)
        var lines: [String] = []
        for id in ["en-digest", "ru-digest", "fr-digest", "now"] {
            lines.append("\(id) \(String(describing: try await store.digestProgress(subscriberID: id)))")
        }
        lines.append("outbox \(try await store.outboxEntries().count)")
        lines.append("settings \(try await store.settings(withPrefix: "").count)")
        return lines.joined(separator: "\n")
    }

    @Test("--digest renders the next digest from the pending events, per channel, changing nothing (golden)")
    func digestGolden() async throws {
        let directory = try Self.digestWorkspace()
        try await Self.cycle(directory, "2026-11-30T06:00:00Z")  // Monday, first sync: silent
        let path = "registry/moscow-helsinki-group-liquidation.yaml"
        try directory.write(path, CaseFileEdit.appendingStep(
            "{date: 2026-11-27, status: cassation_filed, court: ru-moscow-city-court}", to: try directory.read(path)))
        try await Self.cycle(directory, "2026-11-30T06:30:00Z")
        let before = try await Self.storeState(directory)
        for language in ["en", "ru", "fr"] {
            let text = try await Self.digestPreview(directory, "\(language)-digest", "2026-11-30T06:45:00Z")
            try PreviewGolden.check(text, named: "digest-preview.\(language).txt")
            #expect(text.contains("# 1 event pending:"))
            #expect(text.contains("== email → digest-\(language)@example.org"))
            #expect(text.contains("--- formatted_body (org.matrix.custom.html) ---"))
        }
        let matrixOnly = try await Self.digestPreview(directory, "fr-digest", "2026-11-30T06:45:00Z", channel: .matrix)
        #expect(matrixOnly.contains("== matrix → ") && !matrixOnly.contains("== email"))
        #expect(try await Self.storeState(directory) == before)
        let mailed = (try? FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("var/mail").path)) ?? []
        #expect(mailed.isEmpty)

        // After the 08:00 slot (07:00 UTC in Paris) the digest has gone: nothing pending, and the preview says so.
        try await Self.cycle(directory, "2026-11-30T08:05:00Z")
        let after = try await Self.digestPreview(directory, "fr-digest", "2026-11-30T08:10:00Z")
        #expect(after.hasSuffix("# no events pending: nothing has matched since the last digest, so nothing would be sent at that slot\n"),
                "\(after)")
        #expect(!after.contains("== email"))
    }

    @Test("--digest from the command line: exit 0, the pending events; an immediate reader or --case with it is refused")
    func digestCommand() async throws {
        let directory = try Self.digestWorkspace()
        try directory.write("subscribers/now.yaml", "id: now\nname: Now\nemail: now@example.org\n")
        let casewatch = CommandRunner(directory: directory.url, environment: [
            "CASEWATCH_TOKEN_SECRET": "token-secret-for-tests", "TOKEN": "syt_t",
        ])
        let fresh = try casewatch.run(["preview", "--digest", "--subscriber", "en-digest"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("# no digest started yet"))
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        let path = "registry/moscow-helsinki-group-liquidation.yaml"
        try directory.write(path, CaseFileEdit.appendingStep("{date: 2026-11-27, status: cassation_filed}",
                                                             to: try directory.read(path)))
        #expect(try casewatch.run(["run", "--once"]).status == 0)
        let before = try await Self.storeState(directory)
        let result = try casewatch.run(["preview", "--digest", "--subscriber", "ru-digest"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# 1 event pending:") && result.stdout.contains("case.status_changed"))
        #expect(result.stdout.contains("Московская Хельсинкская группа"))
        #expect(try await Self.storeState(directory) == before)

        let immediate = try casewatch.run(["preview", "--digest", "--subscriber", "now"])
        #expect(immediate.status == 65 && immediate.stderr.contains("delivery: now gets each alert as it comes"))
        #expect(try casewatch.run(["preview", "--digest", "--case", "x", "--subscriber", "ru-digest"]).status == 64)
        #expect(try casewatch.run(["preview", "--subscriber", "ru-digest"]).status == 64)
    }
}

/// Golden files for `preview`, beside the rendering goldens in `Tests/CaseWatchTests/Golden/`;
/// `CASEWATCH_UPDATE_GOLDEN=1` rewrites them (review the diff before committing).
enum PreviewGolden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CaseWatchTests/Golden")

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CASEWATCH_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(expected != nil, "missing golden file \(name)", sourceLocation: sourceLocation)
        #expect(text == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
    }
}
