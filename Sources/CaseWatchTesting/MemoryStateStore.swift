import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation

/// A store held in memory, for unit tests of the stages that use a store: the same contract as the SQLite engine
/// (both pass `CaseWatchStoreConformance`), without a file.
///
/// Every call works on the whole state under one lock; a detection's record works on a copy and keeps it only if
/// nothing threw, as a transaction would.
package final class MemoryStateStore: StateStore, @unchecked Sendable {  // `state` is guarded by `lock`
    private let lock = NSLock()
    private var state = MemoryState()

    package init() {}

    package var location: String { "memory" }
    package var notices: [String] { [] }

    package func integrityProblems() async throws -> [String] { [] }

    /// Runs `body` on the state under the lock; with `transaction`, on a copy kept only if `body` returns.
    func access<T>(transaction: Bool = false, _ body: (inout MemoryState) throws -> T) rethrows -> T {
        try lock.withLock {
            guard transaction else { return try body(&state) }
            var copy = state
            let result = try body(&copy)
            state = copy
            return result
        }
    }
}

/// Everything a ``MemoryStateStore`` keeps, as plain values.
struct MemoryState {
    struct Snapshot {
        var digest: SnapshotDigest
        var legalCase: LegalCase
        var source: String?
        var hearingAt: Date?
    }

    struct SourceRow {
        var etag: String?
        var lastModified: String?
        var fetchedAt: String?
        var lastError: String?
        var signature: String?
    }

    struct Entry {
        var id: Int64
        var draft: OutboxDraft
        var state: OutboxState
        var attempts: Int
        var deferrals = 0
        var firstDueAt: Date
        var nextAttemptAt: Date
        var lastError: String?
        var createdAt: String
        var updatedAt: String
        /// Its message and attempts were pruned (retention).
        var pruned = false

        var visible: OutboxEntry {
            OutboxEntry(
                id: id, eventID: draft.eventID, subscriberID: draft.subscriberID, channel: draft.channel,
                generation: draft.generation, state: state, attempts: attempts,
                nextAttemptAt: state == .pending || state == .retrying ? nextAttemptAt : nil, lastError: lastError,
                messageID: draft.messageID, createdAt: createdAt, updatedAt: updatedAt)
        }
    }

    struct EntryKey: Hashable {
        var eventID: String
        var subscriberID: String
        var channel: ChannelID
        var generation: Int
    }

    struct OptOutKey: Hashable {
        var channel: ChannelID
        var address: String
    }

    var snapshots: [String: Snapshot] = [:]
    var events: [(seq: Int64, event: CaseEvent)] = []
    /// For events recorded with a hold: the case as it stood before each (nil: the event added it).
    var priors: [String: LegalCase?] = [:]
    var eventIDs: Set<String> = []
    var sources: [String: SourceRow] = [:]
    var cycles: [DispatcherStatus.Cycle] = []
    var settings: [String: String] = [:]
    var entries: [Int64: Entry] = [:]
    var entryKeys: [EntryKey: Int64] = [:]
    var nextEntryID: Int64 = 1
    var attempts: [Int64: [DeliveryAttempt]] = [:]
    var optOuts: [OptOutKey: OptOut] = [:]
    var silences: [Silence] = []
    var health: [OptOutKey: FailingEndpoint] = [:]
    var digests: [String: DigestState] = [:]
    /// Each throttled key's next free slot (see `Throttle`).
    var throttleSlots: [String: Date] = [:]
    /// The stranded entries whose alert has moved on to the subscriber's next channel, with the generation queued.
    var fallbacks: [Int64: Int?] = [:]
    /// Telegram's progress: messages sent of each split entry (by Message-ID), and chats moved to a new id.
    var telegramSplits: [String: Int] = [:]
    var telegramMigrations: [String: String] = [:]

    /// Inserts entries not there yet (same event, subscriber, channel and generation).
    mutating func enqueue(_ drafts: [OutboxDraft], now: Date) {
        let stamp = Timestamp.iso8601(now)
        for draft in drafts {
            let key = EntryKey(eventID: draft.eventID, subscriberID: draft.subscriberID, channel: draft.channel,
                               generation: draft.generation)
            guard entryKeys[key] == nil else { continue }
            var stored = draft
            stored.sharedSpans = []
            entries[nextEntryID] = Entry(id: nextEntryID, draft: stored, state: .pending, attempts: 0,
                                         firstDueAt: draft.dueAt ?? now, nextAttemptAt: draft.dueAt ?? now,
                                         lastError: nil, createdAt: stamp, updatedAt: stamp)
            entryKeys[key] = nextEntryID
            nextEntryID += 1
        }
    }
}
