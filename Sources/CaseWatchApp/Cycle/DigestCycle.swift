import Foundation
import Logging
import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore

/// Enqueues the digest e-mails whose slot has come: one per subscriber and due slot, holding every
/// event that matches their filter since their last digest, or nothing when there was none.
package struct DigestCycle: Sendable {
    package let store: any DigestStore & EventLog & SuppressionStore
    package let planner: AlertPlanner
    package let logger: Logger

    package init(store: any DigestStore & EventLog & SuppressionStore, planner: AlertPlanner, logger: Logger) {
        self.store = store
        self.planner = planner
        self.logger = logger
    }

    /// - Returns: the digests enqueued.
    @discardableResult
    package func run(now: Date) async throws -> Int {
        let suppressions = try await store.suppressions()
        var enqueued = 0
        for subscriber in planner.subscribers where subscriber.delivery == .digest && subscriber.email != nil {
            guard !suppressions.contains(subscriber, channel: .email),
                  let expression = subscriber.digest, let schedule = CronSchedule(expression)
            else { continue }
            let state = try await store.digestState(subscriberID: subscriber.id, now: now)
            guard let slot = DigestSchedule.dueSlot(schedule, timeZone: subscriber.timeZone, state: state, now: now)
            else { continue }
            let recorded = try await store.events(afterSeq: state.lastEventSeq)
            let events = recorded.map(\.event).filter { $0.withdrawal == nil && Router.match($0, subscriber.filter) != nil }
            let draft = try planner.digestDraft(for: subscriber, events: events, start: state.lastSlotAt, slot: slot)
            let next = DigestState(subscriberID: subscriber.id, lastSlotAt: slot,
                                   lastEventSeq: recorded.last?.seq ?? state.lastEventSeq)
            try await store.advanceDigest(to: next, delivery: draft, now: Date())
            if draft != nil { enqueued += 1 }
            logger.info("digest slot", metadata: [
                "subscriber.id": "\(subscriber.id)", "digest.slot": "\(Timestamp.iso8601(slot))",
                "digest.events": "\(events.count)",
            ])
        }
        return enqueued
    }
}
