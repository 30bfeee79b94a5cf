import CaseWatchModel
import CaseWatchPipeline
import CaseWatchSources
import CaseWatchStore
import Foundation
import Logging
import Metrics

/// One whole cycle, as `run --once` and each tick of `serve` perform it: under the run coordinator's hold,
/// detect and enqueue, make the digests that are due, then deliver everything due.
package struct CycleRunner: Sendable {
    package let configuration: Configuration
    package let environment: ProcessEnvironment
    package let logger: Logger
    /// Asked before each new delivery; true ends the cycle early (a graceful stop of the daemon).
    package let shouldStop: @Sendable () -> Bool

    /// The store the daemon keeps open across cycles (on PostgreSQL, its connection pool); nil opens the
    /// configuration's store for this cycle.
    package let store: (any StateStore)?
    /// True for `serve`, whose leadership outlives a cycle; a single run gives the detector's lease back when
    /// it ends, so a running node leads again at once.
    package let keepsLeadership: Bool

    package init(configuration: Configuration, environment: ProcessEnvironment, logger: Logger,
                 store: (any StateStore)? = nil, keepsLeadership: Bool = false,
                 shouldStop: @escaping @Sendable () -> Bool = { Task.isCancelled }) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.store = store
        self.keepsLeadership = keepsLeadership
        self.shouldStop = shouldStop
    }

    /// `delivery.disable_after`: an endpoint (a webhook; not an e-mail address, whose relay may be what fails) that
    /// has failed that long without a success is switched off, as a 410 would; the log says so, a metric counts
    /// it, and the operator gets an e-mail when `operator.email` is set.
    private func disableFailingEndpoints(_ store: any StateStore, planner: AlertPlanner, now: Date) async throws {
        let after = configuration.delivery.disableAfter
        for failing in try await store.endpointsFailing(since: now.addingTimeInterval(-after))
        where failing.endpoint.channel != .email {
            let since = Timestamp.iso8601(failing.failingSince)
            let reason = "failing since \(since), longer than delivery.disable_after"
            let added = try await store.optOut(OptOut(
                channel: failing.endpoint.channel, address: failing.endpoint.address, kind: .disabled, reason: reason,
                detail: failing.lastFailure, subscriberID: failing.subscriberID, since: Timestamp.iso8601(now)))
            guard added else { continue }
            let subscriber = failing.subscriberID ?? "?"
            logger.error("endpoint disabled: it kept failing", metadata: [
                "subscriber.id": "\(subscriber)", "channel": "\(failing.endpoint.channel.rawValue)",
                "failing_since": "\(since)", "last_failure": "\(failing.lastFailure ?? "")",
            ])
            Counter(label: "casewatch_endpoints_disabled_total", dimensions: [("channel", failing.endpoint.channel.rawValue)])
                .increment()
            guard let address = configuration.operatorEmail else { continue }
            let text = """
                CaseWatch switched off the \(failing.endpoint.channel.rawValue) endpoint of subscriber \(subscriber): it has \
                failed every delivery since \(since), longer than delivery.disable_after allows.

                Last failure: \(failing.lastFailure ?? "unknown")

                Its queued deliveries are kept as dead letters. Once the receiver works again:
                  casewatch outbox enable \(subscriber)

                """
            let id = "operator-disabled-\(failing.endpoint.channel.rawValue)-\(subscriber)-\(Int(now.timeIntervalSince1970))-\(Self.noticeSuffix())"
            if let draft = try planner.operatorNotice(
                to: address, subject: "CaseWatch: \(failing.endpoint.channel.rawValue) endpoint of \(subscriber) disabled",
                text: text, id: id, date: now)
            {
                try await store.enqueue([draft], now: now)
            }
        }
    }

    /// `retention`: a bounded share of what is due each cycle (the rest the next), in short transactions.
    private func prune(_ store: any StateStore, now: Date) async throws {
        let feeds = Set(configuration.registry.sources.compactMap { source -> String? in
            switch source.kind {
            case .feed(let url): url
            case .list: source.name
            case .folder: nil
            }
        })
        let report = try await store.prune(deliveredBefore: now.addingTimeInterval(-configuration.retention),
                                           keepingSources: feeds, batchSize: 500, maxBatches: 20)
        if report.entries + report.lines + report.sources > 0 {
            logger.info("retention: pruned", metadata: [
                "entries": "\(report.entries)", "attempts": "\(report.attempts)", "lines": "\(report.lines)",
                "sources": "\(report.sources)", "more": "\(report.more)",
            ])
        }
    }

    package struct Report: Sendable {
        /// Nil when another node leads detection (this node only delivered).
        package var detection: DetectionCycle.Report?
        package var delivery: DeliveryCycle.Report?
        package var leadership: Leadership
    }

    /// - Throws: ``StoreError`` with kind `busy` (exit 75) before doing anything when another run holds the store;
    ///   ``InputError`` (exit 65) when an input is bad, before anything is recorded or sent.
    ///
    /// - Parameter inputs: subscribers and templates already loaded (the daemon's, kept until a reload
    ///   succeeds); nil to load them now.
    package func runOnce(dryRun: Bool, now: Date = Date(), inputs: PipelineInputs? = nil) async throws -> Report {
        // On SQLite one run works at a time; on PostgreSQL nodes share the queue, and one leads detection.
        let hold = dryRun || configuration.usesPostgres ? nil : try configuration.runCoordinator.acquire()
        defer { withExtendedLifetime(hold) {} }
        let inputs = if let inputs { inputs } else {
            try await PipelineInputs.load(configuration: configuration, environment: environment)
        }
        // A subscriber whose file is wrong gets nothing until it is fixed; everyone else still gets alerts.
        for problem in inputs.skippedSubscribers {
            logger.error("subscriber skipped: \(problem)")
        }
        Gauge(label: "casewatch_subscribers_skipped").record(inputs.skippedSubscribers.count)
        var settings = try configuration.deliverySettings(environment: environment)
        let store = if let store = self.store { store } else {
            try await configuration.openStore(environment: environment)
        }
        // Split Telegram alerts and moved chats are kept in the store: the next process's retry goes on from there.
        settings.channels = settings.channels.keepingTelegramProgress(in: store)
        if self.store == nil { for notice in store.notices { logger.warning("\(notice)") } }
        let planner = try await inputs.planner(store: store, channels: settings.channels, environment: environment)
        let leadership = dryRun ? Leadership(leads: true, leader: configuration.nodeID) : try await store.lead(
            node: configuration.nodeID, configDigest: configuration.usesPostgres ? configuration.digest : "",
            ttl: configuration.cluster.lease, now: Date())
        if let refusal = leadership.refusal { logger.error("not leading detection: \(refusal)") }
        var detection: DetectionCycle.Report?
        if leadership.leads {
            detection = try await DetectionCycle(configuration: configuration, store: store, planner: planner,
                                                 logger: logger).run(now: now, dryRun: dryRun)
        }
        if let detection { Gauge(label: "casewatch_failing_sources").record(detection.failedSources.count) }
        guard !dryRun else { return Report(detection: detection, delivery: nil, leadership: leadership) }
        if leadership.leads {
            try await DigestCycle(store: store, planner: planner, logger: logger).run(now: now)
            try await disableFailingEndpoints(store, planner: planner, now: now)
            try await noticeFailingSources(detection?.failedSources ?? [:], store: store, planner: planner, now: now)
            try await prune(store, now: now)
            if !keepsLeadership, configuration.usesPostgres { try await store.resign(node: configuration.nodeID) }
        }
        let deliver = {
            try await DeliveryCycle(queue: store, settings: settings, logger: self.logger, shouldStop: self.shouldStop,
                                    owner: "\(self.configuration.nodeID)/\(UUID().uuidString.prefix(8))",
                                    rates: EndpointRates(inputs.subscribers)).run()
        }
        var delivery = try await deliver()
        // Alerts this run left unsent on a channel it disabled move on along their subscriber's `channels:` list, and
        // go out in this cycle rather than the next.
        if leadership.leads,
           try await ChannelFallbackSweep(store: store, planner: planner, logger: logger).run(now: Date()) > 0,
           !shouldStop()
        {
            delivery.add(try await deliver())
        }
        return Report(detection: detection, delivery: delivery, leadership: leadership)
    }
}

extension DeliveryCycle.Report {
    /// This report and `other`'s, as one run's.
    mutating func add(_ other: DeliveryCycle.Report) {
        delivered += other.delivered
        retrying += other.retrying
        dead += other.dead
        postponed += other.postponed
    }
}
