import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats
import InternetMessage
import Logging
import Metrics

/// The first half of a cycle: read the registry, detect what changed, route and render the new events,
/// and record all of it — snapshots, events and outbox entries — in one transaction.
///
/// `run` is a sequence of named steps over values: what was recorded before → the sources read now → who owns
/// each case (a pure function) → the diff and the reminders → what is new → recorded (or, in a dry run, only
/// planned).
package struct DetectionCycle: Sendable {
    package let configuration: Configuration
    package let store: any RegistryState & EventLog & SuppressionStore & DeliveryLog & SettingStore & HoldStore
    package let planner: AlertPlanner
    package let logger: Logger

    package init(configuration: Configuration, store: any RegistryState & EventLog & SuppressionStore & DeliveryLog & SettingStore & HoldStore,
                 planner: AlertPlanner, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.planner = planner
        self.logger = logger
    }

    /// What a detection found.
    package struct Report: Sendable {
        package var registrySize: Int
        /// Cases read anew (files changed since the last run, feeds that sent new content).
        package var casesRead: Int
        /// Events that are new (a dry run: that would be new).
        package var events: [CaseEvent]
        /// How many outbox entries were made for them (a dry run: would be made).
        package var deliveries: Int
        /// A dry run's entries, one line each.
        package var deliveryLines: [String]
        package var warnings: [InputProblem]
        /// The sources that failed this time (a feed or a list that could not be read), with why.
        package var failedSources: [String: String] = [:]
    }

    /// Runs detection; with `dryRun` nothing is written.
    ///
    /// - Throws: ``InputError`` when the registry has errors or a message cannot be built safely; then
    ///   nothing is recorded.
    package func run(now: Date, dryRun: Bool) async throws -> Report {
        if try await streamsFirstSync(dryRun: dryRun) { return try await runFirstSync(now: now) }
        var load = await Registry(configuration: configuration, gazetteer: rules.gazetteer).load(
            validators: try await store.feedValidators(), signatures: try await store.fileSignatures())
        let accepted = try await acceptedRetractions()
        try await refuseEmptyFeeds(&load, accepted: accepted)
        try await mergeRecordedClaims(&load, dryRun: dryRun)
        let listAcceptances = try await delistLeavers(&load, accepted: accepted, now: now)
        let recorded = try await recordedState(after: load)
        let owners = try await resolveOwnership(&load, recorded: recorded)
        let warnings = try acceptLoad(load)
        var diff = try await detectChanges(load, recorded: recorded, owners: owners, now: now)
        let retractions = try checkRemovals(diff, recorded: recorded, load: load, accepted: accepted)
        let synced = try await store.hasSynced()
        let announce = configuration.registry.initialSync == .announce || synced
        let settlement = try await settleHeld(&diff, announce: announce, now: now)
        diff.events += try await remindersDue(load, now: now)
        try await attachEvidence(&diff.events, load: load, frozen: owners.frozen, now: now)
        let registrySize = recorded.untouched
            ? try await store.caseCount() : load.cases.count + owners.frozen.count
        let known = try await store.recordedEventIDs(among: diff.events.map(\.id))
        let fresh = diff.events.filter { !known.contains($0.id) }
        let suppressions = try await store.suppressions()
        let planner = try await plannerFor(fresh, load: load)
        if dryRun {
            let drafts = try await planSafely {
                try await Blocking.run { try planner.drafts(for: fresh, suppressions: suppressions, now: now) }
            }
            return Report(registrySize: registrySize, casesRead: load.cases.count, events: fresh,
                          deliveries: drafts.count, deliveryLines: drafts.map(\.summaryLine), warnings: warnings)
        }
        let (events, deliveries) = try await record(diff, load: load, planner: planner, suppressions: suppressions,
                                                    registrySize: registrySize, settlement: settlement, now: now)
        try await spendAcceptances(retractions.union(listAcceptances))
        try await recordListReads(load)
        return Report(registrySize: registrySize, casesRead: load.cases.count, events: events,
                      deliveries: deliveries, deliveryLines: [], warnings: warnings, failedSources: load.feedFailures)
    }

    /// The end of `date` (UTC): a list current as of a day speaks for the whole of it.
    static func endOfDay(_ date: CalendarDate) -> Date? {
        HearingReminders.moment(of: Hearing(date: date, time: "23:59"), in: .gmt)
    }

    /// Detection's rules: when a step is late, and the courts' time zones.
    var rules: DetectionRules {
        DetectionRules(lateAfter: configuration.registry.lateAfter, gazetteer: planner.renderer.facts.gazetteer)
    }

    /// The planner for `events`: it knows the websites of listed subjects (the registry's as read now, the store's
    /// for the rest) and who received each event a correction corrects.
    private func plannerFor(_ events: [CaseEvent], load: RegistryLoad) async throws -> AlertPlanner {
        guard !events.isEmpty else { return planner }
        var planner = planner
        var facts = planner.renderer.facts
        facts.listedDomains = RenderingFacts.listedDomains(in: load.cases.values)
            .union(try await store.listedWebsites(excluding: Set(load.cases.keys)))
        planner.renderer = AlertRenderer(templates: planner.renderer.templates, facts: facts)
        for original in Set(events.compactMap(\.change.corrects)) {
            planner.recipients[original] = Set(try await store.outboxEntries(eventID: original, generation: 0)
                .map(\.subscriberID))
        }
        return planner
    }

    /// What the store recorded before, as far as this run needs it.
    struct Recorded: Sendable {
        /// Nothing read anew and every recorded source still there and unchanged: the unchanged tick.
        var untouched: Bool
        /// The digest and source of every recorded case (empty on the unchanged tick, which needs none).
        var digests: [String: SnapshotDigest]
        var sources: [String: String]
    }

    private func recordedState(after load: RegistryLoad) async throws -> Recorded {
        let recordedSources = try await store.snapshotSources()
        let untouched = load.cases.isEmpty && recordedSources.isSubset(of: load.frozenSources)
        let (digests, sources) = untouched ? ([:], [:]) : try await store.seenSnapshots()
        return Recorded(untouched: untouched, digests: digests, sources: sources)
    }

    /// Which recorded cases belong to sources not read this time (they keep their snapshots), after settling the
    /// ids that a source read anew shares with one of them (``SourceOwnership``).
    private func resolveOwnership(_ load: inout RegistryLoad, recorded: Recorded) async throws -> SourceOwnership {
        let registry = Registry(configuration: configuration)
        var owners = SourceOwnership.resolve(
            frozen: recorded.untouched ? [:] : try await store.caseIDs(fromSources: load.frozenSources),
            readFrom: load.sourceOfCase, isFeed: registry.isRemote)
        load.problems += owners.problems
        if !owners.clashingFeeds.isEmpty {
            for (feed, reason) in owners.clashingFeeds { load.failFeed(feed, reason: reason) }
            owners.frozen = try await store.caseIDs(fromSources: load.frozenSources)
        }
        return owners
    }

    /// Stops on the load's errors; logs and returns its warnings, a failed feed's among them.
    func acceptLoad(_ load: RegistryLoad) throws -> [InputProblem] {
        try load.problems.throwIfErrors()
        for warning in load.problems.warnings {
            logger.warning("\(warning)")
        }
        var warnings = load.problems.warnings
        for (feed, reason) in load.feedFailures.sorted(by: { $0.key < $1.key }) {
            logger.error("registry feed failed; its cases stay as last seen",
                         metadata: ["feed.url": "\(feed)", "reason": "\(reason)"])
            warnings.append(InputProblem(file: feed, line: nil, field: nil,
                                         message: "feed failed, its cases stay as last seen: \(reason)",
                                         severity: .warning))
        }
        return warnings
    }

    /// The diff of the registry against what was recorded, with each written case's source.
    private func detectChanges(_ load: RegistryLoad, recorded: Recorded, owners: SourceOwnership, now: Date)
        async throws -> RegistryDiff
    {
        let hasSynced = try await store.hasSynced()
        let announce = configuration.registry.initialSync == .announce || hasSynced
        let store = store
        var rules = rules
        for (id, source) in load.sourceOfCase {
            if let asOf = load.lists[source] ?? nil, let moment = Self.endOfDay(asOf) { rules.asOf[id] = moment }
        }
        var diff = try await RegistryDiff.compute(
            current: load.cases, seen: recorded.digests, frozen: Set(owners.frozen.keys),
            previous: { try await store.snapshots(ids: $0) }, logs: { try await store.announcements(forCases: $0) },
            announceAdditions: announce, detectedAt: now, rules: rules)
        if configuration.registry.initialSync == .silent || !load.lists.isEmpty, !load.feedValidators.isEmpty {
            // A feed read for the first time (added to the configuration later, or down at the first
            // sync) gets its own silent first sync: its cases are recorded, not announced as new. An official
            // list's first read is always silent: its hundreds of entries are the state of things, not news.
            let knownFeeds = try await store.syncedFeeds()
            let silent = configuration.registry.initialSync == .silent
            diff.events.removeAll { event in
                guard event.type == .added, let source = load.sourceOfCase[event.caseID] else { return false }
                return load.feedValidators[source] != nil && !knownFeeds.contains(source)
                    && (silent || load.lists[source] != nil)
            }
        }
        for index in diff.upserts.indices { diff.upserts[index].source = load.sourceOfCase[diff.upserts[index].id] }
        // A case that moved to another file (or feed) unchanged keeps its snapshot, under its new source.
        let upserted = Set(diff.upserts.map(\.id))
        diff.retags = load.sourceOfCase.filter { id, source in
            recorded.sources[id] != source && recorded.digests[id] != nil && !upserted.contains(id)
        }.map { (id: $0.key, source: $0.value) }
        return diff
    }

    /// The hearing and deadline reminders due now, for the cases read and for those of sources not read this time
    /// (from the store).
    private func remindersDue(_ load: RegistryLoad, now: Date) async throws -> [CaseEvent] {
        // The stored moments are a first cut, padded by the widest UTC offset: a store of the release before
        // recorded hearing times as UTC, and the moment is read again below in the court's time zone.
        let margin: TimeInterval = 14 * 3600
        let frozen = try await store.casesWithReminders(
            fromSources: load.frozenSources, now: now.addingTimeInterval(-margin),
            horizon: (configuration.schedule.reminders.max() ?? 0) + 2 * margin)
        let cases = Array(load.cases.values) + frozen
        return HearingReminders.due(cases: cases, offsets: configuration.schedule.reminders, now: now, rules: rules)
            + HearingReminders.deadlinesDue(cases: cases, offsets: configuration.schedule.deadlineReminders, now: now,
                                            rules: rules)
    }

    /// Records the detection and the entries of its new events in one transaction; rendering streams into it,
    /// chunk by chunk.
    private func record(_ diff: RegistryDiff, load: RegistryLoad, planner: AlertPlanner, suppressions: Suppressions,
                        registrySize: Int, settlement: HoldSettlement, now: Date)
        async throws -> (events: [CaseEvent], deliveries: Int)
    {
        var planner = planner
        let logger = logger
        planner.templateFailure = { subscriberID, reason in
            logger.error("a webhook template failed; the standard payload is sent instead",
                         metadata: ["subscriber.id": "\(subscriberID)", "reason": "\(reason)"])
        }
        let plan = planner
        var detection = DetectionRecord(
            diff: diff,
            plan: { events, enqueue in
                try plan.drafts(for: events, suppressions: suppressions, now: now, chunkSize: 1000, enqueue)
            },
            readings: load.readings, registrySize: registrySize, startedAt: now, finishedAt: Date())
        detection.priors = settlement.priors
        detection.withdrawals = settlement.withdrawals
        let (recorded, deliveries) = try await planSafely { try await store.record(detection) }
        for event in recorded {
            Counter(label: "casewatch_events_detected_total", dimensions: [("type", event.type.rawValue)]).increment()
        }
        logger.info("cycle recorded", metadata: [
            "registry.cases": "\(registrySize)", "cycle.read": "\(load.cases.count)",
            "cycle.changed": "\(diff.upserts.count)", "cycle.removed": "\(diff.removals.count)",
            "cycle.events": "\(recorded.count)", "cycle.deliveries": "\(deliveries)",
        ])
        return (recorded, deliveries)
    }

    /// A message that cannot be built safely (a header value with a line break) is bad input: nothing
    /// is recorded, nothing sent, exit 65.
    func planSafely<T>(_ body: () async throws -> T) async throws -> T {
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
