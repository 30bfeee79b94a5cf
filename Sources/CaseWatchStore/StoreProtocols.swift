import CaseWatchModel
import CaseWatchPipeline
import Foundation

// The store, as each stage that uses it sees it. An engine (SQLite, the in-memory one of the tests) implements
// all of them and passes `CaseWatchStoreConformance`; a stage asks for the one protocol it needs.

/// What detection needs: the last-seen registry, what each source said last time, and one transaction that
/// records a whole detection.
package protocol RegistryState: Sendable {
    /// How many cases the store holds.
    func caseCount() async throws -> Int
    /// The digest and the source of every case's last-seen snapshot, in one pass.
    func seenSnapshots() async throws -> (digests: [String: SnapshotDigest], sources: [String: String])
    /// The last-seen snapshots of the given cases.
    func snapshots(ids: [String]) async throws -> [String: LegalCase]
    /// The cases last seen from each of `sources`, with their source.
    func caseIDs(fromSources sources: Set<String>) async throws -> [String: String]
    /// The last-seen cases of `sources` a reminder may be due for: their next hearing is between `now` and
    /// `now + horizon`, or a step has a deadline.
    func casesWithReminders(fromSources sources: Set<String>, now: Date, horizon: TimeInterval) async throws
        -> [LegalCase]
    /// The websites of the recorded subjects of active undesirable or extremist designations, but for the cases
    /// `excluding` names (read anew, their current version counts).
    func listedWebsites(excluding ids: Set<String>) async throws -> Set<String>
    /// The sources the recorded cases came from ("" for cases recorded without one).
    func snapshotSources() async throws -> Set<String>
    /// Each case file's stat signature from the last recorded run.
    func fileSignatures() async throws -> [String: String]
    /// The feeds that have had a good fetch recorded.
    func syncedFeeds() async throws -> Set<String>
    /// Each feed's validators from its last good fetch.
    func feedValidators() async throws -> [String: FetchValidators]
    /// Whether a registry sync has ever been recorded (the first one may be silent).
    func hasSynced() async throws -> Bool
    /// Every last-seen case as a JSON array of their canonical JSON, ordered by id (`GET /cases.json`).
    func casesJSON() async throws -> [UInt8]
    /// Records one detection in a single transaction: snapshots, removals, source readings, events, their outbox
    /// entries and the cycle. A crash leaves all of it or none; events recorded before (same id) are kept as they
    /// are. Returns the events that were new and how many outbox entries were made for them.
    func record(_ detection: DetectionRecord) async throws -> (events: [CaseEvent], deliveries: Int)
    /// Records a first sync as it is read (``StreamedDetection``): the streamed snapshots and the rest of the
    /// detection in one transaction, as ``record(_:)`` does.
    func recordStreamed(_ streamed: StreamedDetection) async throws -> (events: [CaseEvent], deliveries: Int)
}

/// The recorded events, oldest first.
package protocol EventLog: Sendable {
    /// Recorded events, oldest first, optionally for one case and from one day on.
    func events(caseID: String?, since: CalendarDate?) async throws -> [CaseEvent]
    func event(id: String) async throws -> CaseEvent?
    /// Which of these event ids are recorded already.
    func recordedEventIDs(among ids: [String]) async throws -> Set<String>
    /// The newest events, newest first (the Atom feed).
    func recentEvents(limit: Int) async throws -> [CaseEvent]
    /// Events recorded after `seq`, with their sequence numbers, oldest first (digests).
    func events(afterSeq seq: Int64) async throws -> [(seq: Int64, event: CaseEvent)]
    /// What the log says of each of these cases: its newest event and which event announced each step.
    func announcements(forCases ids: [String]) async throws -> [String: CaseAnnouncements]
}

/// The outbox as the delivery run sees it: entries go in, are claimed under a lease, and come out with an
/// outcome.
package protocol OutboxQueue: Sendable {
    /// Writes entries outside a detection (an operator's replay); an entry that exists already (same event,
    /// subscriber, channel and generation) is left alone.
    func enqueue(_ drafts: [OutboxDraft], now: Date) async throws
    /// Enqueues entries as `produce` makes them, chunk by chunk, in one transaction; an error anywhere rolls the
    /// whole of it back. Returns how many entries were produced.
    func enqueue(now: Date, streaming produce: @escaping @Sendable (_ enqueue: ([OutboxDraft]) throws -> Void) throws -> Void)
        async throws -> Int
    /// One delivery run's claims on the entries due at `cutoff` (see ``ClaimSession``).
    func claims(dueAt cutoff: Date, owner: String) -> any ClaimSession
    /// Makes entries whose lease has expired (their node died) claimable again; returns how many. An engine whose
    /// claims hold no lease (SQLite: one process at a time, under the run lock) has none to rescue.
    func rescueExpiredLeases(now: Date) async throws -> Int
    /// Re-queues one entry now, with a fresh retry schedule; nil when there is no such entry.
    func requeue(outboxID: Int64, now: Date) async throws -> OutboxEntry?
    /// The next replay generation of an event: one more than any it was delivered with.
    func nextGeneration(eventID: String) async throws -> Int
}

/// One delivery run's hold on the queue. Entries it hands out are leased to it until their outcome is completed
/// (or the lease expires, for engines that keep one): no other claim gets them meanwhile, and an entry stays due
/// until its outcome is recorded, so a crash sends it again (at-least-once).
///
/// Blocking, called on the delivery lanes' own threads, never on Swift's cooperative pool.
package protocol ClaimSession: AnyObject, Sendable {
    /// Up to `limit` due entries, oldest first, none handed out before in this session; empty when none is left.
    /// Entries of a channel switched off since they were queued are settled as dead letters with the reason as
    /// they come due, never handed out.
    func claim(limit: Int) throws -> [DeliveryJob]
    /// Records attempts and the transitions they caused, in one transaction.
    func complete(_ attempts: [AttemptRecord]) throws
    /// How often the run must ``renew()`` the leases it holds; nil when its claims hold no lease (one process at a
    /// time, as on SQLite).
    var renewalInterval: TimeInterval? { get }
    /// Extends the leases of the entries handed out and not yet completed, so no other node takes them over while
    /// this run still works on them.
    func renew() throws
}

extension ClaimSession {
    package var renewalInterval: TimeInterval? { nil }
    package func renew() throws {}
}

/// Endpoints switched off: unsubscribes, disabled endpoints.
package protocol SuppressionStore: Sendable {
    /// Every endpoint switched off, ready for routing.
    func suppressions() async throws -> Suppressions
    /// The opt-outs as kept: address, kind, reason, the relay's words, since when.
    func optOuts() async throws -> [OptOut]
    /// Records an opt-out (its `address` normalised, or an erased address's hash); false when the address was
    /// opted out already (the first reason stays).
    func optOut(_ optOut: OptOut) async throws -> Bool
    /// Lifts the opt-out of `address` on `channel` when it is of one of `kinds`; false when there was none.
    func liftOptOut(channel: ChannelID, address: String, kinds: Set<OptOut.Kind>) async throws -> Bool
}

/// An event whose alerts have not left yet, with the case as it stood before it.
package struct HeldEvent: Sendable {
    package var event: CaseEvent
    /// The case before the event (nil: the event added it); unknown when the event was recorded without a hold.
    package var prior: LegalCase?
    package var priorKnown: Bool

    package init(event: CaseEvent, prior: LegalCase?, priorKnown: Bool) {
        self.event = event
        self.prior = prior
        self.priorKnown = priorKnown
    }
}

/// The hold window and withdrawals: events whose alerts have not left can still be taken back.
package protocol HoldStore: Sendable {
    /// The events of `caseIDs` detected at or after `since`, not withdrawn and not reminders, none of whose entries
    /// has been attempted yet; oldest first, by case.
    func heldEvents(caseIDs: [String], since: Date) async throws -> [String: [HeldEvent]]
    /// Withdraws `eventIDs`: their entries not yet sent (pending, retrying) become `withdrawn` with `reason`, and the
    /// events are marked withdrawn. Returns how many entries were withdrawn; unknown ids are ignored.
    func withdraw(eventIDs: [String], reason: String, now: Date) async throws -> Int
}

/// Silences, shared by every process on the store (cron and the daemon alike).
package protocol SilenceStore: Sendable {
    func addSilence(matcher: Silence.Matcher, value: String, until: Date, reason: String, now: Date) async throws
        -> Silence
    /// Every silence, newest first; only those active at `moment` when it is given.
    func silences(activeAt moment: Date?) async throws -> [Silence]
    /// Ends a silence now; false when there is no such silence or it had ended.
    func expireSilence(id: Int64, now: Date) async throws -> Bool
}

/// An endpoint that has failed without a success since `failingSince`.
package struct FailingEndpoint: Sendable, Equatable {
    package var endpoint: ChannelAddress
    package var subscriberID: String?
    package var failingSince: Date
    package var lastFailure: String?

    package init(endpoint: ChannelAddress, subscriberID: String?, failingSince: Date, lastFailure: String?) {
        self.endpoint = endpoint
        self.subscriberID = subscriberID
        self.failingSince = failingSince
        self.lastFailure = lastFailure
    }
}

/// Endpoints that keep failing (`delivery.disable_after`).
package protocol EndpointHealthStore: Sendable {
    /// Endpoints failing, with no success, since `cutoff` or earlier, and not switched off yet.
    func endpointsFailing(since cutoff: Date) async throws -> [FailingEndpoint]
}

/// Whether this node leads detection (one node at a time runs detection, digests and reminders; every node
/// delivers), and if not, who does or why this node may not.
package struct Leadership: Sendable, Equatable {
    package var leads: Bool
    package var leader: String?
    /// Why this node refuses to lead although it could (its configuration differs from the live nodes').
    package var refusal: String?

    package init(leads: Bool, leader: String?, refusal: String? = nil) {
        self.leads = leads
        self.leader = leader
        self.refusal = refusal
    }
}

/// A node of the cluster, as the store last heard of it.
package struct ClusterNode: Sendable, Equatable, Codable {
    package var id: String
    package var seenAt: String
    package var configDigest: String?
    package var leads: Bool
    /// Outbox entries this node's claims hold now.
    package var leasesHeld: Int

    package init(id: String, seenAt: String, configDigest: String?, leads: Bool, leasesHeld: Int = 0) {
        self.id = id
        self.seenAt = seenAt
        self.configDigest = configDigest
        self.leads = leads
        self.leasesHeld = leasesHeld
    }

    enum CodingKeys: String, CodingKey {
        case id
        case seenAt = "seen_at"
        case configDigest = "config_digest"
        case leads
        case leasesHeld = "leases_held"
    }
}

/// Leadership among the nodes sharing one store. An engine with one process at a time (SQLite, under its run
/// lock) always leads.
package protocol LeadershipStore: Sendable {
    /// Records `node` alive and takes or renews the detector's lease for `ttl`, unless another live node holds it;
    /// refuses while a live node runs a configuration other than `configDigest` and the lease was recorded by one.
    func lead(node: String, configDigest: String, ttl: TimeInterval, now: Date) async throws -> Leadership
    /// The nodes heard from within three leases, leader first.
    func nodes(now: Date, ttl: TimeInterval) async throws -> [ClusterNode]
    /// Gives the lease up (a node that stops), so another node leads at once.
    func resign(node: String) async throws
}

/// An endpoint: an address on a channel.
package struct ChannelAddress: Sendable, Hashable, Codable {
    package var channel: ChannelID
    package var address: String

    package init(channel: ChannelID, address: String) {
        self.channel = channel
        self.address = address
    }
}

/// What an erase removed.
package struct EraseReport: Sendable, Equatable, Codable {
    package var outboxEntries: Int
    package var attempts: Int
    package var optOuts: Int

    package init(outboxEntries: Int, attempts: Int, optOuts: Int) {
        self.outboxEntries = outboxEntries
        self.attempts = attempts
        self.optOuts = optOuts
    }

    enum CodingKeys: String, CodingKey {
        case outboxEntries = "outbox_entries"
        case attempts
        case optOuts = "opt_outs"
    }
}

/// A person's data in the store.
package protocol PrivacyStore: Sendable {
    /// The addresses the store has sent to (or queued for) `subscriberID`.
    func recipients(subscriberID: String) async throws -> Set<ChannelAddress>
    /// Removes a person's data: the outbox entries for `subscriberID` or for any of `addresses` (their rendered
    /// messages and attempts), their opt-outs, digest progress and preferences; then keeps, for each address, only
    /// a salted hash (an `erased` opt-out), so that an erased address stays unsubscribed. The freed space is
    /// overwritten and the file compacted, so the address is not left in free pages.
    func erase(subscriberID: String, addresses: Set<ChannelAddress>, now: Date) async throws -> EraseReport
    /// `retention`: the rendered messages and attempts of entries delivered before `cutoff`, the stored lines no
    /// entry uses any more, and the rows of sources no longer configured, in batches of `batchSize` entries, each
    /// its own short transaction, at most `maxBatches` of them. The entries themselves (event, subscriber,
    /// Message-ID) stay: threading a correction under the original needs them.
    func prune(deliveredBefore cutoff: Date, keepingSources sources: Set<String>, batchSize: Int, maxBatches: Int)
        async throws -> PruneReport
    /// A consistent copy of the whole store at `path` (readable by its owner only), made while CaseWatch runs.
    func backup(to path: String) async throws
}

/// What one pruning removed.
package struct PruneReport: Sendable, Equatable {
    package var entries: Int
    package var attempts: Int
    package var lines: Int
    package var sources: Int
    /// More was due than the batches allowed: the next pruning goes on.
    package var more: Bool

    package init(entries: Int = 0, attempts: Int = 0, lines: Int = 0, sources: Int = 0, more: Bool = false) {
        self.entries = entries
        self.attempts = attempts
        self.lines = lines
        self.sources = sources
        self.more = more
    }
}

/// Digest subscribers' progress.
package protocol DigestStore: Sendable {
    /// A digest subscriber's state; the first time it is asked for, the subscriber starts from now and from the
    /// newest event (a new subscriber is not sent the past).
    func digestState(subscriberID: String, now: Date) async throws -> DigestState
    /// A digest subscriber's state as recorded, nil before its first digest cycle; reads only (`preview --digest`).
    func digestProgress(subscriberID: String) async throws -> DigestState?
    /// Moves a subscriber's digest on to `state` and enqueues its message, in one transaction.
    func advanceDigest(to state: DigestState, delivery: OutboxDraft?, now: Date) async throws
}

/// What operators ask of the outbox (`outbox`, `status`).
package protocol DeliveryLog: Sendable {
    /// Outbox entries, newest first, optionally in some states only.
    func outboxEntries(states: [OutboxState]?, limit: Int) async throws -> [OutboxEntry]
    /// Every entry of one event's delivery (`generation` 0) or of one of its replays, oldest first.
    func outboxEntries(eventID: String, generation: Int) async throws -> [OutboxEntry]
    /// The attempts of one entry, oldest first.
    func attempts(outboxID: Int64) async throws -> [DeliveryAttempt]
    func status() async throws -> DispatcherStatus
}

/// Small values kept for good (the first sync, a generated link key).
package protocol SettingStore: Sendable {
    func setting(_ key: String) async throws -> String?
    /// Sets `key` unless it is set already, and returns the value that holds.
    func settingOnce(_ key: String, value: String) async throws -> String
    /// Sets `key` to `value`, or removes it when `value` is nil.
    func setSetting(_ key: String, _ value: String?) async throws
    /// The settings whose keys begin with `prefix`.
    func settings(withPrefix prefix: String) async throws -> [String: String]
}

/// The whole store, as the composition root hands it to the use cases.
package protocol StateStore: RegistryState, EventLog, OutboxQueue, SuppressionStore, DigestStore, DeliveryLog,
    SettingStore, PrivacyStore, HoldStore, SilenceStore, EndpointHealthStore, LeadershipStore, ChannelFallbackStore,
    TelegramProgressStore
{
    /// Where the store is, for messages (a file path, a database URL without its password).
    var location: String { get }

    /// What opening the store found and set right, for the log.
    var notices: [String] { get }

    /// The engine's own consistency check (SQLite's `quick_check`): empty when sound, else what is wrong. Run by
    /// `check` and when `serve` starts.
    func integrityProblems() async throws -> [String]
}

/// Keeps runs from working at once: a file lock beside the SQLite file today, an advisory lock tomorrow.
package protocol RunCoordinator: Sendable {
    /// Takes the run at once, or throws ``StoreError`` with kind `busy` (exit 75). Held until the hold is released.
    func acquire() throws -> any RunHold
}

/// A run held; released when the value goes away.
package protocol RunHold: AnyObject, Sendable {}
