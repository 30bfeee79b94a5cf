import Foundation
import Logging

/// One whole cycle, as `run --once` and each tick of `serve` perform it: under the run lock, recover
/// what a crash left in flight, detect and enqueue, then deliver everything due.
public struct CycleRunner: Sendable {
    public let configuration: Configuration
    public let environment: ProcessEnvironment
    public let logger: Logger
    /// Asked before each new delivery; true ends the cycle early (a graceful stop of the daemon).
    public let shouldStop: @Sendable () -> Bool

    public init(configuration: Configuration, environment: ProcessEnvironment, logger: Logger,
                shouldStop: @escaping @Sendable () -> Bool = { Task.isCancelled }) {
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        self.shouldStop = shouldStop
    }

    public struct Report: Sendable {
        public var detection: DetectionCycle.Report
        public var delivery: DeliveryCycle.Report?
        public var recovered: Int
    }

    /// - Throws: ``RunLock/Busy`` (exit 75) before doing anything when another run holds the lock;
    ///   ``InputError`` (exit 65) when an input is bad, before anything is recorded or sent.
    ///
    /// - Parameter inputs: subscribers and templates already loaded (the daemon's, kept until a reload
    ///   succeeds); nil to load them now.
    public func runOnce(dryRun: Bool, now: Date = Date(), inputs: PipelineInputs? = nil) async throws -> Report {
        let statePath = configuration.resolve(configuration.statePath).path
        let lock = dryRun ? nil : try RunLock(statePath: statePath)
        defer { withExtendedLifetime(lock) {} }
        let inputs = if let inputs { inputs } else {
            try await PipelineInputs.load(configuration: configuration, environment: environment)
        }
        let settings = try configuration.deliverySettings(environment: environment)
        let store = try StateStore(path: statePath)
        let recovered = dryRun ? 0 : try await store.recoverInterrupted()
        if recovered > 0 {
            logger.warning("entries left in flight by an interrupted run are queued again",
                           metadata: ["outbox.recovered": "\(recovered)"])
        }
        let planner = try await inputs.planner(store: store, environment: environment)
        let detection = try await DetectionCycle(configuration: configuration, store: store, planner: planner,
                                                 logger: logger).run(now: now, dryRun: dryRun)
        guard !dryRun else { return Report(detection: detection, delivery: nil, recovered: 0) }
        try await DigestCycle(store: store, planner: planner, logger: logger).run(now: now)
        let delivery = try await DeliveryCycle(store: store, settings: settings, logger: logger,
                                               shouldStop: shouldStop).run()
        return Report(detection: detection, delivery: delivery, recovered: recovered)
    }
}
