import Foundation
import Logging
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore

/// Enqueues the digests whose slot has come: one per subscriber, due slot and channel read by people (e-mail,
/// Matrix, Telegram), holding every event that matches their filter since their last digest, or nothing when there
/// was none.
package struct DigestCycle: Sendable {
    package let store: any DigestStore & EventLog & SuppressionStore & OutboxQueue
    package let planner: AlertPlanner
    package let logger: Logger

    package init(store: any DigestStore & EventLog & SuppressionStore & OutboxQueue, planner: AlertPlanner,
                 logger: Logger) {
        self.store = store
        self.planner = planner
        self.logger = logger
    }

    /// - Returns: the digests enqueued.
    @discardableResult
    package func run(now: Date) async throws -> Int {
        let suppressions = try await store.suppressions()
        var enqueued = 0
        for subscriber in planner.subscribers where subscriber.delivery == .digest {
            let channels = subscriber.channels.filter {
                AlertPlanner.digestChannels.contains($0) && !suppressions.contains(subscriber, channel: $0)
            }
            guard !channels.isEmpty, let expression = subscriber.digest, let schedule = CronSchedule(expression)
            else { continue }
            let state = try await store.digestState(subscriberID: subscriber.id, now: now)
            guard let slot = DigestSchedule.dueSlot(schedule, timeZone: subscriber.timeZone, state: state, now: now)
            else { continue }
            let recorded = try await store.events(afterSeq: state.lastEventSeq)
            let events = recorded.map(\.event).filter { $0.withdrawal == nil && Router.match($0, subscriber.filter) != nil }
            let drafts = try planner.digestDrafts(for: subscriber, events: events, start: state.lastSlotAt, slot: slot,
                                                  suppressions: suppressions)
            let next = DigestState(subscriberID: subscriber.id, lastSlotAt: slot,
                                   lastEventSeq: recorded.last?.seq ?? state.lastEventSeq)
            // The slot moves on in one transaction with its first digest. The others are enqueued just before: an
            // entry is unique per (slot, subscriber, channel), so if the process stops in between, the slot is
            // planned again and they are not enqueued twice.
            if drafts.count > 1 { try await store.enqueue(Array(drafts.dropFirst()), now: Date()) }
            try await store.advanceDigest(to: next, delivery: drafts.first, now: Date())
            enqueued += drafts.count
            logger.info("digest slot", metadata: [
                "subscriber.id": "\(subscriber.id)", "digest.slot": "\(Timestamp.iso8601(slot))",
                "digest.events": "\(events.count)",
                "digest.channels": "\(drafts.map(\.channel.rawValue).joined(separator: ","))",
            ])
        }
        return enqueued
    }
}
