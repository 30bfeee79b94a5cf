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
import Curl
import Foundation
import Logging

/// `deliver-webhooks`, `deliver-matrix` and `deliver-emails`: a real outbox in a real SQLite file, filled with `count`
/// rendered deliveries, then one `DeliveryCycle.run()` timed end to end — claims, transfers over
/// libcurl, the attempt log and the state transitions all included.
enum DeliverBenchmark {
    static let secretEnv = "CASEWATCH_BENCH_WEBHOOK_SECRET"

    static func webhooks(_ options: Options) async throws {
        let url = try options.string("url")
        let concurrency = try options.int("concurrency", default: 8)
        let environment = Fixtures.ensureWebhookSecret(secretEnv)
        let drafts = try webhookDrafts(options)
        try await run(kind: "deliver-webhooks", drafts: drafts, concurrency: concurrency, environment: environment,
                      email: nil, extra: ["target": url])
    }

    /// `count` webhook deliveries to `url`, one per subscriber, as the planner makes them: the payload of
    /// WebhookPayload, the webhook-id of WebhookSignature, the secret named (`secretEnv`), not stored.
    private static func webhookDrafts(_ options: Options) throws -> [OutboxDraft] {
        let count = try options.int("count")
        let url = try options.string("url")
        let now = Date()
        let event = Fixtures.rulingEvent(now: now)
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let renderer = AlertRenderer(templates: templates)
        let summaries = Dictionary(uniqueKeysWithValues: Language.allCases.map {
            ($0, renderer.summary(event, language: $0))
        })
        let drafts = (0..<count).map { n -> OutboxDraft in
            let subscriber = Fixtures.subscriber(n, channels: [.webhook], secretEnv: secretEnv, webhookURL: url)
            return OutboxDraft(
                eventID: event.id, subscriberID: subscriber.id, channel: .webhook, recipient: url,
                messageID: WebhookSignature.messageID(eventID: event.id, subscriberID: subscriber.id),
                payload: WebhookPayload.body(event: event, subscriber: subscriber,
                                             summary: summaries[subscriber.language]!),
                secretEnv: secretEnv)
        }
        if let sample = options.optional("sample-out") {
            try Data(drafts[0].payload).write(to: URL(fileURLWithPath: sample))
        }
        return drafts
    }

    static let matrixTokenEnv = "CASEWATCH_BENCH_MATRIX_TOKEN"

    /// `deliver-matrix --homeserver URL`: one alert to `count` Matrix rooms on one homeserver (a room per reader, as
    /// partners' teams have), planned as a cycle plans it (the chat templates in each reader's language, one
    /// `m.notice` each), each room held to the channel's default rate (5 a second) as the product holds it.
    static func matrix(_ options: Options) async throws {
        let count = try options.int("count")
        let homeserver = try options.string("homeserver")
        let concurrency = try options.int("concurrency", default: 8)
        if ProcessInfo.processInfo.environment[matrixTokenEnv] == nil { setenv(matrixTokenEnv, "syt_casewatch_bench", 1) }
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let now = Date()
        let event = Fixtures.rulingEvent(now: now)
        let subscribers = (0..<count).map { n in
            var subscriber = Fixtures.subscriber(n, channels: [], secretEnv: secretEnv, webhookURL: "")
            subscriber.matrix = MatrixEndpoint(homeserver: homeserver, roomID: "!room-\(n):localhost",
                                               accessTokenEnv: matrixTokenEnv)
            return subscriber
        }
        let planner = AlertPlanner(
            subscribers: subscribers, renderer: AlertRenderer(templates: templates),
            channels: ChannelRegistry([MatrixChannel(delivery: .unconfigured, environment: .current)]),
            links: SubscriberLinks(tokens: UnsubscribeToken(secret: "bench-token-secret"),
                                   baseURL: "https://alerts.example.org"))
        let drafts = try planner.drafts(for: [event], suppressions: Suppressions(), now: now)
        guard drafts.count == count else { throw BenchError.failed("deliver-matrix: \(drafts.count) drafts planned") }
        if let sample = options.optional("sample-out") {
            try Data(drafts[0].payload).write(to: URL(fileURLWithPath: sample))
        }
        try await run(kind: "deliver-matrix", drafts: drafts, concurrency: concurrency, environment: .current,
                      email: nil, extra: ["target": homeserver])
    }

    /// `enqueue-webhooks --config FILE`: the same deliveries as `deliver-webhooks`, queued in the store that
    /// configuration names (`state:`, a SQLite file or `postgres://…`, opened as `casewatch` opens it, migrations
    /// included) and left there, for `casewatch run --once` processes — one node or several — to deliver.
    static func enqueueWebhooks(_ options: Options) async throws {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(path: try options.string("config"))
        } catch {
            throw BenchError.failed("\(error)")
        }
        let drafts = try webhookDrafts(options)
        let store = try await configuration.openStore(environment: .current)
        let (_, seconds) = try await Measure.time { try await store.enqueue(drafts, now: Date()) }
        let status = try await store.status()
        var line = ResultLine("enqueue-webhooks")
        line.add("engine", configuration.usesPostgres ? "postgres" : "sqlite")
        line.add("enqueued", drafts.count)
        line.add("enqueue_seconds", seconds)
        line.add("queue_depth", status.queueDepth)
        line.add("payload_bytes_avg", drafts.reduce(0) { $0 + $1.payload.count } / max(1, drafts.count))
        line.print()
        guard status.queueDepth == drafts.count else {
            throw BenchError.failed("enqueue-webhooks: \(status.queueDepth) entries queued, \(drafts.count) expected "
                                    + "(use a fresh store)")
        }
    }

    static func emails(_ options: Options) async throws {
        let count = try options.int("count")
        let smtp = try options.string("smtp")
        let concurrency = try options.int("concurrency", default: 8)
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let now = Date()
        let event = Fixtures.rulingEvent(now: now)
        let composer = try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "bench")
        let subscribers = (0..<count).map { n in
            Fixtures.subscriber(n, channels: [.email], secretEnv: secretEnv, webhookURL: "")
        }
        let planner = AlertPlanner(
            subscribers: subscribers, renderer: AlertRenderer(templates: templates), composer: composer,
            unsubscribe: UnsubscribeToken(secret: "bench-token-secret"), baseURL: "https://alerts.example.org")
        // One alert to `count` readers, planned as a cycle plans it (templates in each reader's language, one
        // RFC 5322 message each, the body lines they share stored once).
        let drafts = try planner.drafts(for: [event], suppressions: Suppressions(), now: now)
        if let sample = options.optional("sample-out") {
            try Data(drafts[0].payload).write(to: URL(fileURLWithPath: sample))
        }
        let settings = SMTPSettings(url: smtp, requireTLS: false, username: nil, password: nil, caFile: nil,
                                    envelopeFrom: composer.from.address)
        // `--dkim rsa` (or `rsa+ed25519`): every message signed as it is sent, as with `email.dkim`.
        var signer: DKIMSigner?
        if let dkim = options.optional("dkim") {
            guard ["rsa", "rsa+ed25519"].contains(dkim) else { throw BenchError.usage("--dkim takes rsa or rsa+ed25519") }
            signer = try DKIMBenchmark.signer(ed25519: dkim == "rsa+ed25519")
        }
        var extra = ["target": smtp]
        if let signer { extra["dkim"] = signer.keys.map(\.algorithm).joined(separator: "+") }
        try await run(kind: signer == nil ? "deliver-emails" : "deliver-emails-dkim", drafts: drafts,
                      concurrency: concurrency, environment: .current, email: settings, signer: signer, extra: extra)
    }

    private static func run(
        kind: String, drafts: [OutboxDraft], concurrency: Int, environment: ProcessEnvironment, email: SMTPSettings?,
        signer: DKIMSigner? = nil, extra: [String: String]
    ) async throws {
        let folder = try TemporaryDirectory("casewatch-bench-outbox")
        let store = try SQLiteStateStore(path: folder.url.appendingPathComponent("casewatch.sqlite").path)
        let (_, enqueueSeconds) = try await Measure.time { try await store.enqueue(drafts) }
        let payloadBytes = drafts.reduce(0) { $0 + $1.payload.count }
        let count = drafts.count
        let composer = try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "bench")
        let loopback = NetworkGuard(allowing: [try AddressRange("127.0.0.0/8"), try AddressRange("::1/128")])
        let settings = DeliverySettings(
            channels: ChannelRegistry([
                EmailChannel(composer: composer,
                             delivery: email.map { .smtp($0) } ?? .file(folder.url.appendingPathComponent("mail")),
                             signer: signer),
                // The sink (nginx, or a test's receiver) listens on loopback: allowed, as `network.allow_private`
                // would allow it, so the network guard's check is part of what is measured.
                WebhookChannel(delivery: .http(timeout: 15, network: loopback), environment: environment),
                MatrixChannel(delivery: .http(timeout: 15, network: loopback), environment: environment),
            ]),
            concurrency: concurrency, retry: RetryPolicy(schedule: [5, 300, 1800, 7200, 18000, 36000, 36000]))
        // The log level of `casewatch run` (notice): a failed delivery is still logged, a delivered one not.
        var logger = Logger(label: "casewatch-bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .notice
        let rssBefore = Measure.currentRSS()
        let setupPeak = Measure.peakRSS()
        Measure.resetPeakRSS()
        let cpuBefore = Measure.processCPUSeconds()
        let (report, seconds) = try await Measure.time {
            try await DeliveryCycle(queue: store, settings: settings, logger: logger).run()
        }
        let cpuSeconds = Measure.processCPUSeconds() - cpuBefore
        let status = try await store.status()
        var line = ResultLine(kind)
        line.add("deliveries", report.delivered)
        line.add("retrying", report.retrying)
        line.add("dead", report.dead)
        line.add("seconds", seconds)
        line.add("per_second", Double(report.delivered) / seconds, digits: 1)
        line.add("cpu_seconds", cpuSeconds)
        line.add("cpu_us_per_delivery", cpuSeconds * 1e6 / Double(max(1, report.attempted)), digits: 1)
        let cyclePeak = Measure.peakRSS()
        // The whole process (rendering the drafts included) and the delivery cycle alone.
        line.add("peak_rss_mb", max(setupPeak, cyclePeak), digits: 1)
        line.add("cycle_peak_rss_mb", cyclePeak, digits: 1)
        line.add("rss_before_cycle_mb", rssBefore, digits: 1)
        line.add("concurrency", concurrency)
        line.add("enqueue_seconds", enqueueSeconds)
        line.add("payload_bytes_avg", payloadBytes / max(1, count))
        line.add("outbox_delivered", status.delivered)
        line.add("outbox_queue_depth", status.queueDepth)
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { line.add(key, value) }
        line.print()
        guard report.delivered == count, status.delivered == count else {
            throw BenchError.failed("\(kind): \(report.delivered) of \(count) delivered "
                                    + "(\(report.retrying) retrying, \(report.dead) dead)")
        }
    }
}
