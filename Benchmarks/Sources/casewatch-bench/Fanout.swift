import CaseWatch
import CaseWatchTesting
import Foundation

/// `fanout --subscribers N`: one ruling event to N subscribers held in memory (half e-mail, four in ten
/// webhook, one in ten both; English, Russian and French in turn; filters that all let it through):
/// routing and rendering (`AlertPlanner.drafts(for:suppressions:now:)` with the repository's templates),
/// then enqueueing (`store.enqueue`) into a real SQLite outbox — timed apart, with the peak RSS.
enum FanoutBenchmark {
    static func run(_ options: Options) async throws {
        let count = try options.int("subscribers")
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let now = Date()
        let event = Fixtures.rulingEvent(now: now)
        let subscribers = (0..<count).map { n -> Subscriber in
            let channels: Set<Channel> = switch n % 10 {
            case 0: [.email, .webhook]
            case 1, 3, 5, 7: [.webhook]
            default: [.email]
            }
            return Fixtures.subscriber(n, channels: channels, secretEnv: "CASEWATCH_BENCH_WEBHOOK_SECRET",
                                       webhookURL: "https://hooks.example.org/casewatch")
        }
        let planner = AlertPlanner(
            subscribers: subscribers, renderer: AlertRenderer(templates: templates),
            composer: try EmailComposer(from: "CaseWatch <alerts@example.org>", file: "bench"),
            unsubscribe: UnsubscribeToken(secret: "bench-token-secret"), baseURL: "https://alerts.example.org")
        let folder = try TemporaryDirectory("casewatch-bench-fanout")
        let store = try StateStore(path: folder.url.appendingPathComponent("casewatch.sqlite").path)
        let suppressions = try await store.suppressions()

        let baseline = Measure.currentRSS()
        let setupPeak = Measure.peakRSS()
        Measure.resetPeakRSS()
        let (drafts, planSeconds) = try await Measure.time {
            try planner.drafts(for: [event], suppressions: suppressions, now: now)
        }
        let planPeak = Measure.peakRSS()
        let (_, enqueueSeconds) = try await Measure.time { try await store.enqueue(drafts, now: now) }
        let peak = Measure.peakRSS()
        let status = try await store.status()

        let emails = drafts.filter { $0.channel == .email }
        let webhooks = drafts.count - emails.count
        var line = ResultLine("fanout")
        line.add("subscribers", count)
        line.add("drafts", drafts.count)
        line.add("emails", emails.count)
        line.add("webhooks", webhooks)
        line.add("plan_seconds", planSeconds)
        line.add("enqueue_seconds", enqueueSeconds)
        line.add("total_seconds", planSeconds + enqueueSeconds)
        line.add("per_second", Double(drafts.count) / (planSeconds + enqueueSeconds), digits: 1)
        line.add("baseline_rss_mb", baseline, digits: 1)
        line.add("setup_peak_rss_mb", setupPeak, digits: 1)
        line.add("plan_peak_rss_mb", planPeak, digits: 1)
        line.add("peak_rss_mb", max(setupPeak, peak), digits: 1)
        line.add("payload_mb", Double(drafts.reduce(0) { $0 + $1.payload.count }) / 1_048_576, digits: 1)
        line.add("email_bytes_avg", emails.reduce(0) { $0 + $1.payload.count } / max(1, emails.count))
        line.add("outbox_rows", status.queueDepth)
        line.print()
        guard status.queueDepth == drafts.count, drafts.count == count + (count + 9) / 10 else {
            throw BenchError.failed("fanout: \(drafts.count) drafts, \(status.queueDepth) outbox rows")
        }
    }
}
