import CaseWatchModel
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

    package init(configuration: Configuration, environment: ProcessEnvironment, logger: Logger,
                 shouldStop: @escaping @Sendable () -> Bool = { Task.isCancelled }) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.shouldStop = shouldStop
    }

    package struct Report: Sendable {
        package var detection: DetectionCycle.Report
        package var delivery: DeliveryCycle.Report?
    }

    /// - Throws: ``StoreError`` with kind `busy` (exit 75) before doing anything when another run holds the store;
    ///   ``InputError`` (exit 65) when an input is bad, before anything is recorded or sent.
    ///
    /// - Parameter inputs: subscribers and templates already loaded (the daemon's, kept until a reload
    ///   succeeds); nil to load them now.
    package func runOnce(dryRun: Bool, now: Date = Date(), inputs: PipelineInputs? = nil) async throws -> Report {
        let hold = dryRun ? nil : try configuration.runCoordinator.acquire()
        defer { withExtendedLifetime(hold) {} }
        let inputs = if let inputs { inputs } else {
            try await PipelineInputs.load(configuration: configuration, environment: environment)
        }
        // A subscriber whose file is wrong gets nothing until it is fixed; everyone else still gets alerts.
        for problem in inputs.skippedSubscribers {
            logger.error("subscriber skipped: \(problem)")
        }
        Gauge(label: "casewatch_subscribers_skipped").record(inputs.skippedSubscribers.count)
        let settings = try configuration.deliverySettings(environment: environment)
        let store = try configuration.openStore()
        for notice in store.notices { logger.warning("\(notice)") }
        let planner = try await inputs.planner(store: store, channels: settings.channels, environment: environment)
        let detection = try await DetectionCycle(configuration: configuration, store: store, planner: planner,
                                                 logger: logger).run(now: now, dryRun: dryRun)
        guard !dryRun else { return Report(detection: detection, delivery: nil) }
        try await DigestCycle(store: store, planner: planner, logger: logger).run(now: now)
        let delivery = try await DeliveryCycle(queue: store, settings: settings, logger: logger,
                                               shouldStop: shouldStop).run()
        return Report(detection: detection, delivery: delivery)
    }
}
