import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import CaseWatchModel
import CaseWatchStore
import InputFormats

/// `casewatch serve`: the cycle every `schedule.interval`, the HTTP endpoints, and SIGHUP reloads,
/// composed as one `ServiceGroup`. SIGTERM or SIGINT stops it gracefully.
package enum Daemon {
    /// Runs until a stop signal.
    ///
    /// - Throws: ``InputError`` when the configuration, subscribers or templates are bad at start.
    package static func run(configurationPath: String, environment: ProcessEnvironment, logger: Logger,
                           metrics: PrometheusCollectorRegistry) async throws {
        let live = try await LiveInputs(configurationPath: configurationPath, environment: environment)
        let configuration = await live.configuration
        let store = try await configuration.openStore(environment: environment)
        for notice in store.notices { logger.warning("\(notice)") }
        let damage = try await store.integrityProblems()
        guard damage.isEmpty else {
            throw StoreError(.unavailable, "the store \(store.location) fails its integrity check: "
                + damage.prefix(5).joined(separator: "; "))
        }
        MetricsCatalogue(registry: metrics).prime(channels: [.email, .webhook, .matrix, .telegram],
                                                  sources: configuration.registry.sources.map(\.name))
        if let name = configuration.http.consoleTokenEnv, let token = environment[name], !token.isEmpty {
            logger.notice("console enabled at /console", metadata: ["console.token_env": "\(name)"])
            if token.count < 16 { logger.warning("$\(name) has fewer than 16 characters: make the console token long and random") }
        }
        let gauges = Gauges()
        let documents = PublishedDocuments()
        let endpoints = HTTPEndpoints(live: live, store: store, metrics: metrics, environment: environment,
                                      refreshGauges: gauges.refresh, documents: documents)
        let (host, port) = try listenAddress(configuration.http.listen, file: configuration.file)
        let application = Application(
            router: endpoints.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "CaseWatch"),
            logger: logger)
        let cycles = CycleService(live: live, environment: environment, logger: logger, store: store,
                                  afterCycle: { store in
                                      await gauges.succeeded(store)
                                      await documents.invalidate()
                                  })
        let reloads = ReloadService(live: live, logger: logger, afterReload: { await documents.invalidate() })
        var services: [any Service] = [application, cycles, reloads]
        if configuration.usesPostgres {
            // Renews (or takes over) the detector's lease between cycles; given back when the node stops.
            services.append(LeadershipService(live: live, store: store, logger: logger))
        }
        // Stopped in reverse order: leadership and reloads first, then the cycle (its deliveries finish), then HTTP.
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.notice("casewatch serve started", metadata: ["http.listen": "\(configuration.http.listen)"])
        try await group.run()
        logger.notice("casewatch serve stopped")
    }

    /// The metrics factory `serve` bootstraps: every metric with its help text (``MetricsCatalogue``).
    package static func metricsFactory(_ registry: PrometheusCollectorRegistry) -> any MetricsFactory {
        MetricsCatalogue(registry: registry)
    }

    static func listenAddress(_ text: String, file: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port)
        else {
            throw InputError([InputProblem(file: file, line: nil, field: "http.listen",
                                           message: "\"\(text)\" is not host:port")])
        }
        return (String(text[..<colon]).trimmingCharacters(in: ["[", "]"]), port)
    }
}

/// The queue gauges of `/metrics`, read from the store after each cycle and on each scrape.
struct Gauges: Sendable {
    let queueDepth = Gauge(label: "casewatch_outbox_queue_depth")
    let deadLetters = Gauge(label: "casewatch_outbox_dead_letters")
    let disabledWebhooks = Gauge(label: "casewatch_disabled_webhooks")
    let disabledEndpoints = Gauge(label: "casewatch_disabled_endpoints")
    let registrySize = Gauge(label: "casewatch_registry_cases")
    /// Zero until a cycle succeeds: `time() - casewatch_last_successful_cycle_timestamp_seconds` alerts on a stuck daemon.
    let lastSuccess = Gauge(label: "casewatch_last_successful_cycle_timestamp_seconds")

    init() {
        lastSuccess.record(0)
    }

    /// After a cycle that ended without an error.
    func succeeded(_ store: any StateStore) async {
        lastSuccess.record(Date().timeIntervalSince1970)
        await refresh(store)
    }

    func refresh(_ store: any StateStore) async {
        guard let status = try? await store.status() else { return }
        queueDepth.record(status.queueDepth)
        deadLetters.record(status.deadLetters)
        disabledWebhooks.record(status.disabledEndpoints.count)
        disabledEndpoints.record(status.disabledEndpoints.count)
        registrySize.record(status.registrySize)
    }
}
