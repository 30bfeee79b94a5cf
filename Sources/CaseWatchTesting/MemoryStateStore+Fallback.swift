import CaseWatchModel
import CaseWatchStore
import Foundation

extension MemoryStateStore: ChannelFallbackStore {
    package func strandedEntries(listed: [String: Set<ChannelID>], limit: Int) async throws -> [StrandedEntry] {
        access { state in
            state.entries.values.sorted { $0.id < $1.id }.compactMap { entry -> StrandedEntry? in
                let draft = entry.draft
                guard entry.state == .dead, state.fallbacks[entry.id] == nil,
                      listed[draft.subscriberID]?.contains(draft.channel) == true,
                      let optOut = state.optOuts[MemoryState.OptOutKey(
                          channel: draft.channel, address: EndpointAddress.normalized(draft.recipient, channel: draft.channel))],
                      optOut.kind == .disabled, entry.updatedAt >= optOut.since
                else { return nil }
                return StrandedEntry(outboxID: entry.id, eventID: draft.eventID, subscriberID: draft.subscriberID,
                                     channel: draft.channel, recipient: draft.recipient, reason: optOut.reason)
            }.prefix(max(0, limit)).map { $0 }
        }
    }

    package func fallBack(from outboxID: Int64, to drafts: [OutboxDraft], now: Date) async throws -> Bool {
        access { state in
            guard state.fallbacks[outboxID] == nil else { return false }
            state.fallbacks[outboxID] = .some(drafts.first?.generation)
            state.enqueue(drafts, now: now)
            return true
        }
    }
}
