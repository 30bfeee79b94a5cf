import Foundation
import Logging

/// The first half of a cycle: read the registry, detect what changed, and record it durably.
public struct DetectionCycle: Sendable {
    public let configuration: Configuration
    public let store: StateStore
    public let logger: Logger

    public init(configuration: Configuration, store: StateStore, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// What a detection found.
    public struct Report: Sendable {
        public var registrySize: Int
        /// Events that are new (a dry run: that would be new).
        public var events: [CaseEvent]
        public var warnings: [InputProblem]
    }

    /// Runs detection; with `dryRun` nothing is written.
    ///
    /// - Throws: ``InputError`` when the registry has errors; then nothing is recorded.
    public func run(now: Date, dryRun: Bool) async throws -> Report {
        let load = await Registry(configuration: configuration).load()
        try load.problems.throwIfErrors()
        for warning in load.problems.warnings {
            logger.warning("\(warning)")
        }
        let seen = try await store.seenDigests()
        let hasSynced = try await store.hasSynced()
        let announce = configuration.registry.initialSync == .announce || hasSynced
        let store = store
        let diff = try await RegistryDiff.compute(
            current: load.cases, seen: seen, previous: { try await store.snapshots(ids: $0) },
            announceAdditions: announce, registryComplete: load.isComplete, detectedAt: now)
        if dryRun {
            let known = try await store.recordedEventIDs(among: diff.events.map(\.id))
            return Report(registrySize: load.cases.count, events: diff.events.filter { !known.contains($0.id) },
                          warnings: load.problems.warnings)
        }
        let recorded = try await store.record(diff, registrySize: load.cases.count, startedAt: now, finishedAt: Date())
        logger.info("cycle recorded", metadata: [
            "registry.cases": "\(load.cases.count)", "cycle.changed": "\(diff.upserts.count)",
            "cycle.removed": "\(diff.removals.count)", "cycle.events": "\(recorded.count)",
        ])
        return Report(registrySize: load.cases.count, events: recorded, warnings: load.problems.warnings)
    }
}
