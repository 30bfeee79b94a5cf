import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func enqueue(_ drafts: [OutboxDraft], now: Date) async throws {
        access { $0.enqueue(drafts, now: now) }
    }

    package func enqueue(
        now: Date, streaming produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void
    ) async throws -> Int {
        try access(transaction: true) { state in
            var count = 0
            try produce { chunk in
                count += chunk.count
                state.enqueue(chunk, now: now)
            }
            return count
        }
    }

    package func claims(dueAt cutoff: Date, owner: String) -> any ClaimSession {
        MemoryClaimSession(store: self, cutoff: cutoff)
    }

    package func rescueExpiredLeases(now: Date) async throws -> Int { 0 }

    package func requeue(outboxID: Int64, now: Date) async throws -> OutboxEntry? {
        access { state in
            guard var entry = state.entries[outboxID] else { return nil }
            entry.state = .pending
            entry.attempts = 0
            entry.deferrals = 0
            entry.firstDueAt = now
            entry.nextAttemptAt = now
            entry.updatedAt = Timestamp.iso8601(now)
            state.entries[outboxID] = entry
            return entry.visible
        }
    }

    package func nextGeneration(eventID: String) async throws -> Int {
        access { state in
            (state.entries.values.filter { $0.draft.eventID == eventID }.map(\.draft.generation).max() ?? -1) + 1
        }
    }

    package func suppressions() async throws -> Suppressions {
        access { Suppressions(Array($0.optOuts.values), salt: $0.settings["erase_salt"] ?? "") }
    }

    package func optOuts() async throws -> [OptOut] {
        access { $0.optOuts.values.sorted { ($0.since, $0.channel, $0.address) < ($1.since, $1.channel, $1.address) } }
    }

    package func optOut(_ optOut: OptOut) async throws -> Bool {
        access { state in
            let key = MemoryState.OptOutKey(channel: optOut.channel, address: optOut.address)
            guard state.optOuts[key] == nil else { return false }
            state.optOuts[key] = optOut
            return true
        }
    }

    package func liftOptOut(channel: ChannelID, address: String, kinds: Set<OptOut.Kind>) async throws -> Bool {
        access { state in
            let key = MemoryState.OptOutKey(channel: channel, address: address)
            guard let found = state.optOuts[key], kinds.contains(found.kind) else { return false }
            state.optOuts[key] = nil
            return true
        }
    }

    package func outboxEntries(states: [OutboxState]?, limit: Int) async throws -> [OutboxEntry] {
        access { state in
            state.entries.values.filter { states?.contains($0.state) ?? true }.sorted { $0.id > $1.id }.prefix(limit)
                .map(\.visible)
        }
    }

    package func outboxEntries(eventID: String, generation: Int) async throws -> [OutboxEntry] {
        access { state in
            state.entries.values.filter { $0.draft.eventID == eventID && $0.draft.generation == generation }
                .sorted { $0.id < $1.id }.map(\.visible)
        }
    }

    package func attempts(outboxID: Int64) async throws -> [DeliveryAttempt] {
        access { $0.attempts[outboxID] ?? [] }
    }

    package func status() async throws -> DispatcherStatus {
        access { state in
            var counts: [OutboxState: Int] = [:]
            for entry in state.entries.values { counts[entry.state, default: 0] += 1 }
            let disabled = state.optOuts.values.filter { $0.kind == .disabled }
                .sorted { ($0.subscriberID ?? "", $0.channel.rawValue) < ($1.subscriberID ?? "", $1.channel.rawValue) }
                .map { DispatcherStatus.Suppression(subscriberID: $0.subscriberID ?? "", channel: $0.channel,
                                                    reason: $0.reason, since: $0.since) }
            let feeds = state.sources.filter { $0.value.signature == nil }.sorted { $0.key < $1.key }
                .map { DispatcherStatus.Feed(url: $0.key, lastGoodFetch: $0.value.fetchedAt, lastError: $0.value.lastError) }
            return DispatcherStatus(
                registrySize: state.snapshots.count, events: state.events.count, lastCycle: state.cycles.last,
                queueDepth: (counts[.pending] ?? 0) + (counts[.retrying] ?? 0), deadLetters: counts[.dead] ?? 0,
                delivered: counts[.delivered] ?? 0, disabledEndpoints: disabled,
                unsubscribed: state.optOuts.values.filter { $0.channel == .email && $0.kind != .disabled }.count,
                feeds: feeds)
        }
    }
}

extension MemoryState {
    /// The entries due at `cutoff` after those handed out already, oldest first; switched-off ones are settled as
    /// dead letters on the way, as SQLite's claim does.
    mutating func claim(dueAt cutoff: Date, limit: Int, excluding handedOut: Set<Int64>) -> [DeliveryJob] {
        let due = entries.values
            .filter { ($0.state == .pending || $0.state == .retrying) && $0.nextAttemptAt <= cutoff && !handedOut.contains($0.id) }
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        var jobs: [DeliveryJob] = []
        for entry in due {
            guard jobs.count < limit else { break }
            let key = OptOutKey(channel: entry.draft.channel,
                                address: EndpointAddress.normalized(entry.draft.recipient, channel: entry.draft.channel))
            if let optOut = optOuts[key] {
                entries[entry.id]?.state = .dead
                entries[entry.id]?.lastError = "not sent: " + optOut.reason
                entries[entry.id]?.updatedAt = Timestamp.iso8601(cutoff)
                continue
            }
            let event = events.first { $0.event.id == entry.draft.eventID }?.event
            if let silence = silences.reversed().first(where: {
                $0.isActive(at: cutoff) && $0.matches(caseID: event?.caseID, type: event?.type.rawValue,
                                                      subscriberID: entry.draft.subscriberID)
            }) {
                entries[entry.id]?.state = .silenced
                entries[entry.id]?.lastError = silence.note
                entries[entry.id]?.updatedAt = Timestamp.iso8601(cutoff)
                continue
            }
            jobs.append(DeliveryJob(outboxID: entry.id, draft: entry.draft, attempts: entry.attempts,
                                    deferrals: entry.deferrals, firstDueAt: entry.firstDueAt))
        }
        return jobs
    }

    /// Writes attempts and their transitions.
    mutating func complete(_ records: [AttemptRecord]) {
        let now = Timestamp.iso8601(Date())
        for record in records {
            let id = record.job.outboxID
            guard var entry = entries[id] else { continue }
            attempts[id, default: []].append(DeliveryAttempt(
                startedAt: Timestamp.iso8601(record.startedAt), outcome: record.outcome.label, code: record.code,
                detail: record.outcome.detail))
            entry.state = record.transition.state
            entry.attempts += 1
            if record.transition.deferred { entry.deferrals += 1 }
            entry.nextAttemptAt = record.transition.nextAttemptAt ?? record.startedAt
            if case .delivered = record.outcome { entry.lastError = nil } else { entry.lastError = record.outcome.detail }
            entry.updatedAt = now
            entries[id] = entry
            let endpoint = OptOutKey(channel: entry.draft.channel,
                                     address: EndpointAddress.normalized(entry.draft.recipient, channel: entry.draft.channel))
            if case .delivered = record.outcome {
                health[endpoint] = nil
            } else {
                var failing = health[endpoint] ?? FailingEndpoint(
                    endpoint: ChannelAddress(channel: endpoint.channel, address: endpoint.address),
                    subscriberID: entry.draft.subscriberID, failingSince: record.startedAt, lastFailure: nil)
                failing.lastFailure = record.outcome.detail
                health[endpoint] = failing
            }
            if let kind = record.transition.optOut {
                let address = EndpointAddress.normalized(entry.draft.recipient, channel: entry.draft.channel)
                let key = OptOutKey(channel: entry.draft.channel, address: address)
                if optOuts[key] == nil {
                    optOuts[key] = OptOut(
                        channel: entry.draft.channel, address: address, kind: kind,
                        reason: kind == .bounced ? "the relay refused the recipient" : record.outcome.detail,
                        detail: record.outcome.detail, subscriberID: entry.draft.subscriberID,
                        since: Timestamp.iso8601(record.startedAt))
                }
            }
        }
    }
}

/// A delivery run's claims on the memory store: what it handed out, so nothing is handed out twice in the run.
final class MemoryClaimSession: ClaimSession, @unchecked Sendable {  // `handedOut` is guarded by `lock`
    private let store: MemoryStateStore
    private let cutoff: Date
    private let lock = NSLock()
    private var handedOut: Set<Int64> = []

    init(store: MemoryStateStore, cutoff: Date) {
        self.store = store
        self.cutoff = cutoff
    }

    func claim(limit: Int) throws -> [DeliveryJob] {
        try lock.withLock {
            let excluded = handedOut
            let jobs = store.access { $0.claim(dueAt: cutoff, limit: limit, excluding: excluded) }
            handedOut.formUnion(jobs.map(\.outboxID))
            return jobs
        }
    }

    func complete(_ attempts: [AttemptRecord]) throws {
        store.access { $0.complete(attempts) }
    }
}

extension MemoryStateStore {
    package func endpointsFailing(since cutoff: Date) async throws -> [FailingEndpoint] {
        access { state in
            state.health.filter { $0.value.failingSince <= cutoff && state.optOuts[$0.key] == nil }.map(\.value)
                .sorted { $0.failingSince < $1.failingSince }
        }
    }
}
