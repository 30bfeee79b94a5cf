import CaseWatchModel
import CaseWatchPipeline
import CaseWatchRendering
import CaseWatchSources
import CaseWatchStore
import Foundation
import InputFormats
import Logging
import Metrics

/// The first sync of a store, recorded as it is read.
///
/// Why: a first sync used to load the whole registry, hash it, then store it: 100,000 cases held at once (≈430 MB)
/// and their canonical JSON written twice. On an empty store nothing needs comparing, so each case goes from the
/// reader to the store at once, in the transaction that then records the rest: three threads (reading; writing
/// canonical JSON and hashing; storing), and in memory only the cases' ids (for duplicates), the few cases a
/// reminder is due for, and the websites of listed subjects. Errors found while reading roll everything back, as
/// before: nothing is recorded.
///
/// Only when it changes nothing that a reader sees: a silent first sync (`registry.initial_sync: silent`) of folders
/// of case files (no feed, no official list, whose first reads have rules of their own), not a dry run.
extension DetectionCycle {
    /// Whether this run is a first sync recorded as it is read.
    func streamsFirstSync(dryRun: Bool) async throws -> Bool {
        guard !dryRun, configuration.registry.initialSync == .silent,
              Registry(configuration: configuration).readsOnlyFolders
        else { return false }
        guard try await store.caseCount() == 0 else { return false }
        return try await !store.hasSynced()
    }

    func runFirstSync(now: Date) async throws -> Report {
        let registry = Registry(configuration: configuration, gazetteer: rules.gazetteer)
        let suppressions = try await store.suppressions()
        let state = FirstSyncState(rules: rules, reminders: configuration.schedule, now: now)
        let streamed = StreamedDetection(
            stream: { withCases, put in
                state.keepsCases = withCases
                let reader = WorkerThread("casewatch.first-sync") {
                    let load = registry.load(spillingTo: CaseSpill { state.take($0, source: $1) })
                    state.finish(load)
                }
                defer {
                    state.chunks.cancel()  // also when `put` throws: the reader stops handing over, and ends
                    reader.join()
                }
                while let chunk = state.chunks.take() {
                    var start = chunk.bytes.startIndex
                    for (index, end) in chunk.ends.enumerated() {
                        try put(chunk.rows[index], chunk.cases.isEmpty ? nil : chunk.cases[index], chunk.bytes[start..<end])
                        start = end
                    }
                }
            },
            rest: { try self.firstSyncRest(state, suppressions: suppressions, now: now) })
        let (events, deliveries) = try await planSafely { try await store.recordStreamed(streamed) }
        for event in events {
            Counter(label: "casewatch_events_detected_total", dimensions: [("type", event.type.rawValue)]).increment()
        }
        let size = state.registrySize
        logger.info("cycle recorded", metadata: [
            "registry.cases": "\(size)", "cycle.read": "\(size)", "cycle.changed": "\(size)", "cycle.removed": "0",
            "cycle.events": "\(events.count)", "cycle.deliveries": "\(deliveries)",
        ])
        return Report(registrySize: size, casesRead: size, events: events, deliveries: deliveries, deliveryLines: [],
                      warnings: state.warnings)
    }

    /// Once every case is stored: the load's problems (an error rolls everything back), the cases kept back (those
    /// claiming list entries), the reminders due, and their alerts.
    private func firstSyncRest(_ state: FirstSyncState, suppressions: Suppressions, now: Date) throws -> DetectionRecord {
        let load = state.load
        state.warnings = try acceptLoad(load)
        var diff = RegistryDiff()
        diff.cases = load.cases
        diff.upserts = RegistryDiff.newRows(load.cases, rules: rules)
        for index in diff.upserts.indices { diff.upserts[index].source = load.sourceOfCase[diff.upserts[index].id] }
        let reminded = Array(load.cases.values) + state.kept.map(\.legalCase)
        diff.events = HearingReminders.due(cases: reminded, offsets: configuration.schedule.reminders, now: now,
                                           rules: rules)
            + HearingReminders.deadlinesDue(cases: reminded, offsets: configuration.schedule.deadlineReminders,
                                            now: now, rules: rules)
        let sources = Dictionary(state.kept.map { ($0.legalCase.id, $0.source) }) { first, _ in first }
        for index in diff.events.indices {
            let caseID = diff.events[index].caseID
            diff.events[index].evidence = load.evidence(of: caseID, readAt: now)
                ?? sources[caseID].map { Evidence(source: $0, fetchedAt: now, sha256: diff.events[index].snapshot.canonicalSHA256) }
        }
        var planner = planner
        if !diff.events.isEmpty {
            var facts = planner.renderer.facts
            facts.listedDomains = state.listedDomains.union(RenderingFacts.listedDomains(in: load.cases.values))
            planner.renderer = AlertRenderer(templates: planner.renderer.templates, facts: facts)
        }
        let logger = logger
        planner.templateFailure = { subscriberID, reason in
            logger.error("a webhook template failed; the standard payload is sent instead",
                         metadata: ["subscriber.id": "\(subscriberID)", "reason": "\(reason)"])
        }
        let plan = planner
        state.registrySize = state.streamed + load.cases.count
        return DetectionRecord(
            diff: diff,
            plan: { events, enqueue in
                try plan.drafts(for: events, suppressions: suppressions, now: now, chunkSize: 1000, enqueue)
            },
            readings: load.readings, registrySize: state.registrySize, startedAt: now, finishedAt: Date())
    }
}

/// What a first sync recorded as it is read shares between its threads: the intake's (``take(_:source:)``, which
/// writes each case's canonical JSON and hashes it), the store's (which takes the chunks), and the reader's, which
/// hands back the load at the end.
private final class FirstSyncState: @unchecked Sendable {  // each part is used by one thread at a time, in turn
    /// Snapshots written, in chunks, a few ahead of the store.
    struct Chunk: Sendable {
        var rows: [SnapshotRow] = []
        var cases: [LegalCase] = []
        var bytes: [UInt8] = []
        var ends: [Int] = []
    }

    static let chunkSize = 256
    let chunks = HandOff<Chunk>(capacity: 8)
    private let rules: DetectionRules
    private let reminders: Configuration.Schedule
    private let now: Date
    private var writer = JSONWriter(capacity: 4096)
    private var chunk = Chunk()

    // The intake's, then read by the store's thread once the reader has finished.
    /// Cases streamed, the few that a reminder is due for, and the websites of listed subjects among them.
    private(set) var streamed = 0
    private(set) var kept: [(legalCase: LegalCase, source: String)] = []
    private(set) var listedDomains: Set<String> = []
    private(set) var load = RegistryLoad()

    // The store's thread's.
    /// Whether the chunks carry the cases (set before the reader starts).
    var keepsCases = true
    var warnings: [InputProblem] = []
    var registrySize = 0

    init(rules: DetectionRules, reminders: Configuration.Schedule, now: Date) {
        self.rules = rules
        self.reminders = reminders
        self.now = now
    }

    func take(_ legalCase: LegalCase, source: String) {
        legalCase.writeCanonicalJSON(into: &writer)
        let hearingAt = legalCase.nextHearing.flatMap { rules.moment(of: $0, in: legalCase) }
        chunk.rows.append(SnapshotRow(id: legalCase.id, digest: SnapshotDigest(writer.bytes), source: source,
                                      hearingAt: hearingAt))
        if keepsCases { chunk.cases.append(legalCase) }
        chunk.bytes.append(contentsOf: writer.bytes)
        chunk.ends.append(chunk.bytes.count)
        streamed += 1
        if legalCase.endangersReaders { listedDomains.formUnion(legalCase.subject.websites) }
        if remindsNow(legalCase) { kept.append((legalCase, source)) }
        if chunk.rows.count == Self.chunkSize { handOver() }
    }

    /// Whether a hearing or deadline reminder is due for the case now.
    private func remindsNow(_ legalCase: LegalCase) -> Bool {
        guard legalCase.nextHearing != nil || legalCase.history.contains(where: { $0.deadline != nil }) else {
            return false
        }
        return !HearingReminders.due(cases: [legalCase], offsets: reminders.reminders, now: now, rules: rules).isEmpty
            || !HearingReminders.deadlinesDue(cases: [legalCase], offsets: reminders.deadlineReminders, now: now,
                                              rules: rules).isEmpty
    }

    /// The reader has read every source: the last chunk goes, and the load (its problems, the cases kept back) is
    /// handed over.
    func finish(_ load: RegistryLoad) {
        handOver()
        self.load = load
        chunks.finish()
    }

    private func handOver() {
        guard !chunk.rows.isEmpty else { return }
        _ = chunks.put(chunk)
        chunk = Chunk()
        chunk.rows.reserveCapacity(Self.chunkSize)
        if keepsCases { chunk.cases.reserveCapacity(Self.chunkSize) }
        chunk.ends.reserveCapacity(Self.chunkSize)
    }
}
