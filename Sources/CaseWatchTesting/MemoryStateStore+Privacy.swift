import CaseWatchModel
import CaseWatchStore
import Foundation

extension MemoryStateStore {
    package func recipients(subscriberID: String) async throws -> Set<ChannelAddress> {
        access { state in
            Set(state.entries.values.filter { $0.draft.subscriberID == subscriberID }
                .map { ChannelAddress(channel: $0.draft.channel, address: $0.draft.recipient) })
        }
    }

    package func erase(subscriberID: String, addresses: Set<ChannelAddress>, now: Date) async throws -> EraseReport {
        access(transaction: true) { state in
            if state.settings["erase_salt"] == nil { state.settings["erase_salt"] = UUID().uuidString }
            let salt = state.settings["erase_salt"]!
            let normalized = Set(addresses.map {
                ChannelAddress(channel: $0.channel, address: EndpointAddress.normalized($0.address, channel: $0.channel))
            })
            let erased = state.entries.values.filter { entry in
                entry.draft.subscriberID == subscriberID || normalized.contains(ChannelAddress(
                    channel: entry.draft.channel,
                    address: EndpointAddress.normalized(entry.draft.recipient, channel: entry.draft.channel)))
            }.map(\.id)
            var attempts = 0
            for id in erased {
                attempts += state.attempts.removeValue(forKey: id)?.count ?? 0
                state.fallbacks[id] = nil
                if let entry = state.entries.removeValue(forKey: id) {
                    state.telegramSplits[entry.draft.messageID] = nil
                    state.entryKeys[MemoryState.EntryKey(eventID: entry.draft.eventID, subscriberID: entry.draft.subscriberID,
                                                         channel: entry.draft.channel,
                                                         generation: entry.draft.generation)] = nil
                }
            }
            for endpoint in normalized where endpoint.channel == .telegram {
                state.telegramMigrations = state.telegramMigrations.filter {
                    $0.key != endpoint.address && $0.value != endpoint.address
                }
            }
            var optOuts = 0
            for endpoint in normalized {
                if state.optOuts.removeValue(forKey: MemoryState.OptOutKey(channel: endpoint.channel,
                                                                           address: endpoint.address)) != nil {
                    optOuts += 1
                }
                let key = EndpointAddress.erasedKey(endpoint.address, channel: endpoint.channel, salt: salt)
                state.optOuts[MemoryState.OptOutKey(channel: endpoint.channel, address: key)] = OptOut(
                    channel: endpoint.channel, address: key, kind: .erased, reason: "erased on request",
                    since: Timestamp.iso8601(now))
            }
            for (key, var optOut) in state.optOuts where optOut.subscriberID == subscriberID {
                optOut.subscriberID = nil
                state.optOuts[key] = optOut
            }
            state.digests[subscriberID] = nil
            let prefix = SubscriberPreferences.prefix(subscriberID)
            state.settings = state.settings.filter { !$0.key.hasPrefix(prefix) }
            return EraseReport(outboxEntries: erased.count, attempts: attempts, optOuts: optOuts)
        }
    }
}

extension MemoryStateStore {
    package func prune(deliveredBefore cutoff: Date, keepingSources sources: Set<String>, batchSize: Int,
                       maxBatches: Int) async throws -> PruneReport
    {
        access { state in
            var report = PruneReport()
            let stamp = Timestamp.iso8601(cutoff)
            for (id, entry) in state.entries.sorted(by: { $0.key < $1.key })
            where entry.state == .delivered && entry.updatedAt < stamp && !entry.pruned {
                guard report.entries < batchSize * maxBatches else {
                    report.more = true
                    break
                }
                state.entries[id]?.pruned = true
                state.entries[id]?.draft.payload = []
                report.attempts += state.attempts.removeValue(forKey: id)?.count ?? 0
                report.entries += 1
            }
            let recorded = Set(state.snapshots.values.compactMap(\.source))
            for (source, row) in state.sources where (row.fetchedAt ?? "") < stamp && !recorded.contains(source)
                && !sources.contains(source)
            {
                state.sources[source] = nil
                report.sources += 1
            }
            return report
        }
    }

    package func backup(to path: String) async throws {
        throw StoreError(.failed, "the in-memory store has no file to copy")
    }
}
