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

/// `fanout --subscribers N`: one ruling event to N subscribers held in memory (half e-mail, four in ten
/// webhook, one in ten both; English, Russian and French in turn; filters that all let it through):
/// routing and rendering (`AlertPlanner.drafts(for:suppressions:now:chunkSize:_:)` with the repository's
/// templates) streamed chunk by chunk into a real SQLite outbox in one transaction, as a cycle does it
/// (`StateStore.enqueue(now:streaming:)`); the time spent writing chunks is summed apart from the rest. `payload_mb`
/// is what the entries carry, `database_mb` and `wal_mb` the sizes of the SQLite file and its WAL afterwards.
enum FanoutBenchmark {
    static func run(_ options: Options) async throws {
        let count = try options.int("subscribers")
        let templates = try Fixtures.templates(try options.string("templates", default: "templates"))
        let now = Date()
        let event = Fixtures.rulingEvent(now: now)
        let subscribers = (0..<count).map { n -> Subscriber in
            let channels: Set<ChannelID> = switch n % 10 {
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
        let store = try SQLiteStateStore(path: folder.url.appendingPathComponent("casewatch.sqlite").path)
        let suppressions = try await store.suppressions()

        let baseline = Measure.currentRSS()
        let setupPeak = Measure.peakRSS()
        Measure.resetPeakRSS()
        let tally = Tally()
        let (_, totalSeconds) = try await Measure.time {
            try await store.enqueue(now: now, streaming: { enqueue in
                try planner.drafts(for: [event], suppressions: suppressions, now: now, chunkSize: 1000) { chunk in
                    let started = Date()
                    try enqueue(chunk)
                    tally.add(chunk, seconds: Date().timeIntervalSince(started))
                }
            })
        }
        let peak = Measure.peakRSS()
        let planPeak = peak
        let status = try await store.status()
        let (count: draftCount, emails: emailCount, emailBytes, payloadBytes, enqueueSeconds) = tally.totals
        let planSeconds = totalSeconds - enqueueSeconds
        let webhooks = draftCount - emailCount
        var line = ResultLine("fanout")
        line.add("subscribers", count)
        line.add("drafts", draftCount)
        line.add("emails", emailCount)
        line.add("webhooks", webhooks)
        line.add("plan_seconds", planSeconds)
        line.add("enqueue_seconds", enqueueSeconds)
        line.add("total_seconds", planSeconds + enqueueSeconds)
        line.add("per_second", Double(draftCount) / totalSeconds, digits: 1)
        line.add("baseline_rss_mb", baseline, digits: 1)
        line.add("setup_peak_rss_mb", setupPeak, digits: 1)
        line.add("plan_peak_rss_mb", planPeak, digits: 1)
        line.add("peak_rss_mb", max(setupPeak, peak), digits: 1)
        line.add("payload_mb", Double(payloadBytes) / 1_048_576, digits: 1)
        line.add("email_bytes_avg", emailBytes / max(1, emailCount))
        line.add("outbox_rows", status.queueDepth)
        line.add("database_mb", Measure.fileMB(store.path), digits: 1)
        line.add("wal_mb", Measure.fileMB(store.path + "-wal"), digits: 1)
        line.print()
        guard status.queueDepth == draftCount, draftCount == count + (count + 9) / 10 else {
            throw BenchError.failed("fanout: \(draftCount) drafts, \(status.queueDepth) outbox rows")
        }
    }
}

/// Counts what the stream of drafts carried, without keeping the drafts.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0, emails = 0, emailBytes = 0, payloadBytes = 0
    private var enqueueSeconds = 0.0

    func add(_ chunk: [OutboxDraft], seconds: Double) {
        lock.withLock {
            count += chunk.count
            for draft in chunk {
                payloadBytes += draft.payload.count
                if draft.channel == .email {
                    emails += 1
                    emailBytes += draft.payload.count
                }
            }
            enqueueSeconds += seconds
        }
    }

    var totals: (count: Int, emails: Int, emailBytes: Int, payloadBytes: Int, enqueueSeconds: Double) {
        lock.withLock { (count, emails, emailBytes, payloadBytes, enqueueSeconds) }
    }
}
