import CoreMetrics
import Foundation
import Prometheus
import CaseWatchModel

/// What `/metrics` exposes, each metric with its `# HELP` text, through swift-metrics onto the Prometheus registry.
///
/// Why a factory of its own: the Prometheus package's factory registers every metric without help text, and
/// `promtool check metrics` asks for it; counters also exist only from their first increment, so a scrape before
/// the first failure shows no `casewatch_source_failures_total` at all. ``prime(channels:sources:)`` makes the
/// usual series at zero when the daemon starts.
struct MetricsCatalogue: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    static let help: [String: String] = [
        "casewatch_deliveries_total": "Delivery attempts, by channel and outcome.",
        "casewatch_delivery_attempt_seconds": "How long one delivery attempt took, by channel.",
        "casewatch_events_detected_total": "Events recorded by detection, by type.",
        "casewatch_endpoints_disabled_total": "Endpoints disabled after failing longer than delivery.disable_after, by channel.",
        "casewatch_source_failures_total": "Registry sources (feeds, official lists) that failed to load, by source.",
        "casewatch_subscribers_skipped": "Subscriber files skipped at the last cycle for their problems.",
        "casewatch_outbox_queue_depth": "Outbox entries waiting to be sent.",
        "casewatch_outbox_dead_letters": "Outbox entries kept as dead letters.",
        "casewatch_disabled_webhooks": "Endpoints (webhooks, Matrix rooms, Telegram chats) disabled until an operator enables them (version 1's name of casewatch_disabled_endpoints).",
        "casewatch_disabled_endpoints": "Endpoints (webhooks, Matrix rooms, Telegram chats) disabled until an operator enables them.",
        "casewatch_failing_sources": "Registry sources (feeds, official lists) that failed to load at the last detection.",
        "casewatch_config_reload_failures_total": "Reloads (SIGHUP) refused for a problem in the configuration, subscribers or templates.",
        "casewatch_registry_cases": "Cases in the registry as last recorded.",
        "casewatch_last_successful_cycle_timestamp_seconds": "When the last cycle that ended without an error ended (Unix time).",
    ]

    private static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    private static let valueBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: Self.help[label] ?? "")
    }

    /// The series a scrape shows from the start, at zero: deliveries by channel and outcome, events by type,
    /// disabled endpoints by channel, failures by source.
    func prime(channels: [ChannelID], sources: [String]) {
        for channel in channels {
            for outcome in ["delivered", "retryable", "permanent", "gone", "bounced"] {
                _ = registry.makeCounter(descriptor: descriptor("casewatch_deliveries_total"),
                                         labels: [("channel", channel.rawValue), ("outcome", outcome)])
            }
            _ = registry.makeCounter(descriptor: descriptor("casewatch_endpoints_disabled_total"),
                                     labels: [("channel", channel.rawValue)])
        }
        for type in EventType.allCases {
            _ = registry.makeCounter(descriptor: descriptor("casewatch_events_detected_total"),
                                     labels: [("type", type.rawValue)])
        }
        for source in sources {
            _ = registry.makeCounter(descriptor: descriptor("casewatch_source_failures_total"),
                                     labels: [("source", source)])
        }
        _ = registry.makeCounter(descriptor: descriptor("casewatch_config_reload_failures_total"), labels: [])
        registry.makeGauge(descriptor: descriptor("casewatch_failing_sources"), labels: []).set(to: 0.0)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        aggregate
            ? registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: Self.valueBuckets)
            : registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: Self.durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
