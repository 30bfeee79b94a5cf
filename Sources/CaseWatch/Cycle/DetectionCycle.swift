import Foundation
import InternetMessage
import Logging
import Metrics

/// The first half of a cycle: read the registry, detect what changed, route and render the new events,
/// and record all of it — snapshots, events and outbox entries — in one transaction.
public struct DetectionCycle: Sendable {
    public let configuration: Configuration
    public let store: StateStore
    public let planner: AlertPlanner
    public let logger: Logger

    public init(configuration: Configuration, store: StateStore, planner: AlertPlanner, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.planner = planner
        self.logger = logger
    }

    /// What a detection found.
    public struct Report: Sendable {
        public var registrySize: Int
        /// Cases read anew (files changed since the last run, feeds that sent new content).
        public var casesRead: Int
        /// Events that are new (a dry run: that would be new).
        public var events: [CaseEvent]
        /// How many outbox entries were made for them (a dry run: would be made).
        public var deliveries: Int
        /// A dry run's entries, one line each.
        public var deliveryLines: [String]
        public var warnings: [InputProblem]
    }

    /// Runs detection; with `dryRun` nothing is written.
    ///
    /// - Throws: ``InputError`` when the registry has errors or a message cannot be built safely; then
    ///   nothing is recorded.
    public func run(now: Date, dryRun: Bool) async throws -> Report {
        var load = await Registry(configuration: configuration).load(
            validators: try await store.feedValidators(), signatures: try await store.fileSignatures())
        // The unchanged tick: nothing read anew and every recorded source still there and unchanged.
        let recordedSources = try await store.snapshotSources()
        let untouched = load.cases.isEmpty && recordedSources.isSubset(of: load.frozenSources)
        // Cases of sources not read this time stay as recorded; an id in a source read anew that such a
        // source holds is a duplicate across files, as if both had been read.
        var frozen = untouched ? [:] : try await store.caseIDs(fromSources: load.frozenSources)
        var clashingFeeds: [String: String] = [:]
        for (id, owner) in frozen.sorted(by: { $0.key < $1.key }) {
            guard let source = load.sourceOfCase[id], source != owner else { continue }
            if RegistryFeed.isFeed(source) {
                // Someone else's feed never stops the run: it fails as a feed.
                clashingFeeds[source] = clashingFeeds[source] ?? "case id \"\(id)\" is already used by \(owner)"
            } else if RegistryFeed.isFeed(owner) {
                // A local file takes over an id a feed not read this time holds; the file wins.
                load.problems.append(InputProblem(file: source, line: nil, field: "id", message:
                    "\"\(id)\" is also held by the feed \(owner), not read this time; this file's case is kept",
                    severity: .warning))
            } else {
                load.problems.append(InputProblem(file: source, line: nil, field: "id",
                                                  message: "\"\(id)\" is already used by \(owner)"))
            }
        }
        if !clashingFeeds.isEmpty {
            for (feed, reason) in clashingFeeds { load.failFeed(feed, reason: reason) }
            frozen = try await store.caseIDs(fromSources: load.frozenSources)
        }
        try load.problems.throwIfErrors()
        for warning in load.problems.warnings {
            logger.warning("\(warning)")
        }
        var warnings = load.problems.warnings
        for (feed, reason) in load.feedFailures.sorted(by: { $0.key < $1.key }) {
            logger.error("registry feed failed; its cases stay as last seen", metadata: ["feed.url": "\(feed)", "reason": "\(reason)"])
            warnings.append(InputProblem(file: feed, line: nil, field: nil,
                                         message: "feed failed, its cases stay as last seen: \(reason)",
                                         severity: .warning))
        }
        let (seen, seenSources) = untouched ? ([:], [:]) : try await store.seenSnapshots()
        let hasSynced = try await store.hasSynced()
        let announce = configuration.registry.initialSync == .announce || hasSynced
        let store = store
        var diff = try await RegistryDiff.compute(
            current: load.cases, seen: seen, frozen: Set(frozen.keys), previous: { try await store.snapshots(ids: $0) },
            announceAdditions: announce, detectedAt: now)
        if configuration.registry.initialSync == .silent, !load.feedValidators.isEmpty {
            // A feed read for the first time (added to the configuration later, or down at the first
            // sync) gets its own silent first sync: its cases are recorded, not announced as new.
            let knownFeeds = try await store.syncedFeeds()
            diff.events.removeAll { event in
                guard event.type == .added, let source = load.sourceOfCase[event.caseID] else { return false }
                return load.feedValidators[source] != nil && !knownFeeds.contains(source)
            }
        }
        for index in diff.upserts.indices { diff.upserts[index].source = load.sourceOfCase[diff.upserts[index].id] }
        // A case that moved to another file (or feed) unchanged keeps its snapshot, under its new source.
        let upserted = Set(diff.upserts.map(\.id))
        diff.retags = load.sourceOfCase.filter { id, source in seenSources[id] != source && seen[id] != nil
            && !upserted.contains(id) }.map { (id: $0.key, source: $0.value) }
        // Cases of sources not read this time still have hearings: their reminders come from the store.
        let frozenWithHearing = try await store.casesWithHearing(
            fromSources: load.frozenSources, now: now, horizon: configuration.schedule.reminders.max() ?? 0)
        diff.events += HearingReminders.due(cases: Array(load.cases.values) + frozenWithHearing,
                                            offsets: configuration.schedule.reminders, now: now)
        let registrySize: Int
        if untouched { registrySize = try await store.caseCount() } else { registrySize = load.cases.count + frozen.count }
        let known = try await store.recordedEventIDs(among: diff.events.map(\.id))
        let fresh = diff.events.filter { !known.contains($0.id) }
        let suppressions = try await store.suppressions()
        if dryRun {
            let planner = planner
            let drafts = try await planSafely {
                try await Blocking.run { try planner.drafts(for: fresh, suppressions: suppressions, now: now) }
            }
            return Report(registrySize: registrySize, casesRead: load.cases.count, events: fresh,
                          deliveries: drafts.count, deliveryLines: drafts.map(\.summaryLine), warnings: warnings)
        }
        var planner = planner
        let logger = logger
        planner.templateFailure = { subscriberID, reason in
            logger.error("a webhook template failed; the standard payload is sent instead",
                         metadata: ["subscriber.id": "\(subscriberID)", "reason": "\(reason)"])
        }
        let plan = planner
        let (recorded, deliveries) = try await planSafely {
            // Rendering streams into the transaction that records the events, chunk by chunk.
            try await store.record(diff, plan: { events, enqueue in
                try plan.drafts(for: events, suppressions: suppressions, now: now, chunkSize: 1000, enqueue)
            }, sources: load, registrySize: registrySize, startedAt: now, finishedAt: Date())
        }
        for event in recorded {
            Counter(label: "casewatch_events_detected_total", dimensions: [("type", event.type.rawValue)]).increment()
        }
        logger.info("cycle recorded", metadata: [
            "registry.cases": "\(registrySize)", "cycle.read": "\(load.cases.count)", "cycle.changed": "\(diff.upserts.count)",
            "cycle.removed": "\(diff.removals.count)", "cycle.events": "\(recorded.count)",
            "cycle.deliveries": "\(deliveries)",
        ])
        return Report(registrySize: registrySize, casesRead: load.cases.count, events: recorded,
                      deliveries: deliveries, deliveryLines: [], warnings: warnings)
    }

    /// A message that cannot be built safely (a header value with a line break) is bad input: nothing
    /// is recorded, nothing sent, exit 65.
    private func planSafely<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as InputError {
            throw error
        } catch let error as MessageError {
            throw InputError([InputProblem(file: configuration.subscribersPath, line: nil, field: nil,
                                           message: "an alert could not be built safely: \(error)")])
        } catch let error as TemplateBodyError {
            throw InputError([InputProblem(file: configuration.templatesPath, line: nil, field: nil,
                                           message: "\(error)")])
        }
    }
}
