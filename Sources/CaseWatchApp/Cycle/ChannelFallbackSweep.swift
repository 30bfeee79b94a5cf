import CaseWatchModel
import CaseWatchPipeline
import CaseWatchStore
import Foundation
import Logging

/// After a delivery run: the alerts of subscribers with a `channels:` list that were left unsent because the
/// channel they were queued for got disabled (a webhook's 410, a Matrix 403 `M_FORBIDDEN`, a Telegram chat blocked
/// or gone) move on to the subscriber's next usable channel, each once, as a new generation of the event for that
/// subscriber alone (new Message-IDs, as a replay has).
///
/// Routing skips a disabled channel when it queues, so re-planning with today's opt-outs picks the next one; the
/// channels outside the list, which had the alert already, get nothing again.
package struct ChannelFallbackSweep: Sendable {
    package let store: any StateStore
    package let planner: AlertPlanner
    package let logger: Logger
    /// At most this many stranded entries a sweep (the rest the next cycle).
    package var batchSize = 500

    package init(store: any StateStore, planner: AlertPlanner, logger: Logger) {
        self.store = store
        self.planner = planner
        self.logger = logger
    }

    /// - Returns: the stranded entries whose alert was queued on another channel.
    @discardableResult
    package func run(now: Date) async throws -> Int {
        var listed: [String: Set<ChannelID>] = [:]
        var subscribers: [String: (subscriber: Subscriber, fallback: ChannelFallback)] = [:]
        for subscriber in planner.subscribers {
            guard let fallback = subscriber.fallback else { continue }
            listed[subscriber.id] = Set(fallback.order)
            subscribers[subscriber.id] = (subscriber, fallback)
        }
        guard !listed.isEmpty else { return 0 }
        let stranded = try await store.strandedEntries(listed: listed, limit: batchSize)
        guard !stranded.isEmpty else { return 0 }
        let suppressions = try await store.suppressions()
        var moved = 0
        for entry in stranded {
            guard let (subscriber, fallback) = subscribers[entry.subscriberID] else { continue }
            var metadata: Logger.Metadata = [
                "subscriber.id": "\(entry.subscriberID)", "event.id": "\(entry.eventID)",
                "outbox.id": "\(entry.outboxID)", "channel": "\(entry.channel.rawValue)",
                "endpoint": "\(EndpointAddress.shown(entry.recipient))",
            ]
            let drafts: [OutboxDraft]
            do {
                drafts = try await onwardDrafts(for: entry, subscriber: subscriber, fallback: fallback,
                                                suppressions: suppressions, now: now)
            } catch let error as StoreError {
                throw error
            } catch {
                // The alert cannot be composed for the next channel (a header that would carry CR or LF): it would
                // fail the same way every cycle, so it is said once and the entry left as it is.
                metadata["reason"] = "\(error)"
                logger.error("alert not moved on: it cannot be composed for the next channel", metadata: metadata)
                _ = try await store.fallBack(from: entry.outboxID, to: [], now: now)
                continue
            }
            guard try await store.fallBack(from: entry.outboxID, to: drafts, now: now) else { continue }
            if drafts.isEmpty {
                logger.warning(
                    "alert not moved on: its channel was disabled and no other channel of the subscriber's channels list takes it now",
                    metadata: metadata)
                continue
            }
            moved += 1
            metadata["to"] = "\(drafts.map(\.channel.rawValue).joined(separator: ","))"
            metadata["generation"] = "\(drafts[0].generation)"
            logger.notice("alert moved on to the subscriber's next channel: the channel it was queued for was disabled",
                          metadata: metadata)
        }
        return moved
    }

    /// The stranded entry's alert, composed anew for its subscriber alone on the channels that take it now.
    private func onwardDrafts(for entry: StrandedEntry, subscriber: Subscriber, fallback: ChannelFallback,
                              suppressions: Suppressions, now: Date) async throws -> [OutboxDraft]
    {
        // A digest or an operator's notice has no event of its own: nothing to move on.
        guard let event = try await store.event(id: entry.eventID), event.withdrawal == nil else { return [] }
        var single = AlertPlanner(subscribers: [subscriber], renderer: planner.renderer, channels: planner.channels,
                                  links: planner.links)
        single.templateFailure = planner.templateFailure
        // The subscriber received what this corrects: the entry stranded here was queued for them.
        if let original = event.change.corrects { single.recipients[original] = [subscriber.id] }
        let generation = try await store.nextGeneration(eventID: event.id)
        let drafts = try single.drafts(for: [event], suppressions: suppressions, generation: generation, now: now)
        return fallback.onward(from: entry.channel, drafts)
    }
}
