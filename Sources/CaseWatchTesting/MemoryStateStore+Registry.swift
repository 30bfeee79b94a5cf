import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func caseCount() async throws -> Int {
        access { $0.snapshots.count }
    }

    package func seenSnapshots() async throws -> (digests: [String: SnapshotDigest], sources: [String: String]) {
        access { state in
            (state.snapshots.mapValues(\.digest), state.snapshots.compactMapValues(\.source))
        }
    }

    package func snapshots(ids: [String]) async throws -> [String: LegalCase] {
        access { state in
            var cases: [String: LegalCase] = [:]
            for id in ids { cases[id] = state.snapshots[id]?.legalCase }
            return cases
        }
    }

    package func caseIDs(fromSources sources: Set<String>) async throws -> [String: String] {
        access { state in
            state.snapshots.compactMapValues { snapshot in snapshot.source.flatMap { sources.contains($0) ? $0 : nil } }
        }
    }

    package func casesWithReminders(fromSources sources: Set<String>, now: Date, horizon: TimeInterval) async throws
        -> [LegalCase]
    {
        access { state in
            state.snapshots.values.filter { snapshot in
                guard let source = snapshot.source, sources.contains(source) else { return false }
                if snapshot.legalCase.history.contains(where: { $0.deadline != nil }) { return true }
                guard let at = snapshot.hearingAt else { return false }
                return at > now && at <= now.addingTimeInterval(horizon)
            }.map(\.legalCase)
        }
    }

    package func listedWebsites(excluding ids: Set<String>) async throws -> Set<String> {
        access { state in
            var websites: Set<String> = []
            for (id, snapshot) in state.snapshots where !ids.contains(id) && snapshot.legalCase.endangersReaders {
                websites.formUnion(snapshot.legalCase.subject.websites)
            }
            return websites
        }
    }

    package func snapshotSources() async throws -> Set<String> {
        access { state in Set(state.snapshots.values.map { $0.source ?? "" }) }
    }

    package func fileSignatures() async throws -> [String: String] {
        access { state in state.sources.compactMapValues(\.signature) }
    }

    package func syncedFeeds() async throws -> Set<String> {
        access { state in
            Set(state.sources.filter { $0.value.signature == nil && $0.value.fetchedAt != nil }.keys)
        }
    }

    package func feedValidators() async throws -> [String: FetchValidators] {
        access { state in
            state.sources.filter { $0.value.signature == nil }
                .mapValues { FetchValidators(etag: $0.etag, lastModified: $0.lastModified) }
        }
    }

    package func hasSynced() async throws -> Bool {
        access { $0.settings["first_sync_at"] != nil }
    }

    package func casesJSON() async throws -> [UInt8] {
        access { state in
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (index, id) in state.snapshots.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += state.snapshots[id]!.legalCase.canonicalJSON
            }
            bytes.append(UInt8(ascii: "]"))
            return bytes
        }
    }

    package func record(_ detection: DetectionRecord) async throws -> (events: [CaseEvent], deliveries: Int) {
        try access(transaction: true) { state in
            let diff = detection.diff
            let now = Timestamp.iso8601(detection.finishedAt)
            for row in diff.upserts {
                guard let legalCase = diff.cases[row.id] else { continue }
                state.snapshots[row.id] = MemoryState.Snapshot(digest: row.digest, legalCase: legalCase,
                                                               source: row.source, hearingAt: row.hearingAt)
            }
            for (id, source) in diff.retags { state.snapshots[id]?.source = source }
            if let readings = detection.readings { state.record(readings, at: now) }
            for id in diff.removals { state.snapshots[id] = nil }
            var recorded: [CaseEvent] = []
            for event in diff.events where !state.eventIDs.contains(event.id) {
                state.events.append((Int64(state.events.count + 1), event))
                state.eventIDs.insert(event.id)
                if let prior = detection.priors[event.caseID] { state.priors[event.id] = prior }
                recorded.append(event)
            }
            for (eventID, reason) in detection.withdrawals {
                _ = state.withdraw(eventID: eventID, reason: reason, now: detection.finishedAt)
            }
            var deliveries = 0
            if let plan = detection.plan {
                try plan(recorded) { drafts in
                    deliveries += drafts.count
                    state.enqueue(drafts, now: detection.finishedAt)
                }
            }
            if state.settings["first_sync_at"] == nil { state.settings["first_sync_at"] = now }
            state.cycles.append(DispatcherStatus.Cycle(startedAt: Timestamp.iso8601(detection.startedAt), finishedAt: now,
                                                       cases: detection.registrySize, events: recorded.count))
            return (recorded, deliveries)
        }
    }
}

extension MemoryState {
    /// What the sources said, as SQLite's `source_state` keeps it.
    mutating func record(_ readings: SourceReadings, at stamp: String) {
        for (file, signature) in readings.fileSignatures {
            sources[file, default: SourceRow()].signature = signature
            sources[file]!.fetchedAt = stamp
        }
        for (feed, validators) in readings.feedValidators {
            var row = sources[feed] ?? SourceRow()
            (row.etag, row.lastModified, row.fetchedAt, row.lastError) = (validators.etag, validators.lastModified, stamp, nil)
            sources[feed] = row
        }
        for feed in readings.frozenSources where readings.feedFailures[feed] == nil {
            sources[feed]?.lastError = nil
        }
        for (feed, reason) in readings.feedFailures {
            sources[feed, default: SourceRow()].lastError = reason
        }
    }
}
